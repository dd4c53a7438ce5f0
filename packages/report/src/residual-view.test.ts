import { describe, expect, it } from 'vitest';
import { blockCompositionFigure } from './block-composition-figure.js';
import { checkResult } from './check-result.js';
import { clusterSection } from './cluster-section.js';
import type { ClusterView } from './cluster-view.js';
import type { Figure } from './figure.js';
import { renderReport } from './render-report.js';
import { residualLayout } from './residual-layout.js';
import { residualNetworkFigure } from './residual-network-figure.js';
import { sampleCluster, sampleLanguageModelCluster } from './sample-results.js';

const read = (value: unknown) => checkResult(value, 'lm.json').result as ClusterView;

type Series = { type: string; name: string; data: { value: number[] | number; name?: string; symbol?: string; units?: number }[] };
type LineSeries = { type: 'lines'; data: { coords: number[][]; lineStyle: { color: string } }[] };

const seriesOf = (figure: Figure) => figure.option.series as (Series | LineSeries)[];
const figureKinds = (view: ClusterView) => clusterSection(view).blocks.map((b) => (b.type === 'figure' ? b.figure.kind : b.kind));

describe('a language model in the residual view', () => {
  const lm = read(sampleLanguageModelCluster());
  const layout = residualLayout(lm)!;

  it('reads the blocks from the layers: the bus, then heads and neurons block by block', () => {
    expect(layout).toEqual({
      bus: 0,
      attention: true,
      blocks: [
        { block: 0, heads: 1, neurons: 2 },
        { block: 1, heads: 3, neurons: 4 },
      ],
    });
    // without --attention there are no heads
    const plain = read({
      ...sampleLanguageModelCluster(),
      view: { view: 'residual', attention: false, block: null },
      layers: sampleLanguageModelCluster().layers.filter((l) => !l.id.endsWith('attention')),
      labels: [
        [0, 1, 2, 0],
        [0, 1, 1],
        [2, 2, -1],
      ],
      drawing: undefined,
    });
    expect(residualLayout(plain)).toEqual({
      bus: 0,
      attention: false,
      blocks: [
        { block: 0, heads: undefined, neurons: 1 },
        { block: 1, heads: undefined, neurons: 2 },
      ],
    });
    // other networks, the per-block view and layers that do not read as blocks are drawn layer by layer
    expect(residualLayout(read(sampleCluster()))).toBeUndefined();
    expect(residualLayout(read({ ...sampleCluster(), view: { view: 'per-block', attention: false, block: 1 } }))).toBeUndefined();
    expect(residualLayout({ ...lm, layers: lm.layers.map((l, i) => (i === 2 ? { ...l, id: 'block0.mlp.out' } : l)) })).toBeUndefined();
  });

  it('draws the network block by block and what each block is made of, instead of layer columns', () => {
    expect(figureKinds(lm)).toEqual([
      'verdict',
      'residual-network',
      'block-composition',
      'shuffle-histogram',
      'shuffle-histogram',
      'cluster-table',
    ]);
    expect(figureKinds(read(sampleCluster()))).toContain('network');
    expect(figureKinds(read(sampleCluster()))).not.toContain('residual-network');
  });

  it('puts the bus in the centre, heads left and neurons right, each block in its own band from top to bottom', () => {
    const figure = residualNetworkFigure(lm, layout);
    const series = seriesOf(figure);
    const dots = series.filter((s): s is Series => s.type === 'scatter' && s.name !== 'blocks').flatMap((s) => s.data);
    expect(dots).toHaveLength(14);
    const at = (name: string) => dots.find((d) => d.name === name)!.value as number[];
    expect(at('residual stream · dimension 0')[0]).toBe(1);
    expect(at('block 0 heads · head 1')[0]).toBe(0);
    expect(at('block 1 neurons · neuron 0')[0]).toBe(2);
    expect(dots.filter((d) => d.symbol === 'diamond')).toHaveLength(4);
    // the bus spans the whole height, block 0 the top half (less a gap), block 1 the bottom half
    const ys = (prefix: string) => dots.filter((d) => d.name!.startsWith(prefix)).map((d) => (d.value as number[])[1]!);
    expect(Math.max(...ys('block 0'))).toBeLessThan(0.5);
    expect(Math.min(...ys('block 1'))).toBeGreaterThan(0.5);
    expect(Math.min(...ys('residual'))).toBeLessThan(0.2);
    expect(Math.max(...ys('residual'))).toBeGreaterThan(0.8);
    // edges leave the bus for each block's column, coloured where both ends share a module
    const lines = series.find((s): s is LineSeries => s.type === 'lines')!.data;
    expect(lines.map((l) => l.coords.map((c) => c[0]))).toEqual([
      [1, 0],
      [1, 2],
      [1, 2],
      [1, 0],
      [1, 2],
      [1, 2],
    ]);
    expect(lines.map((l) => l.lineStyle.color)).toEqual(['#4e79a7', '#4e79a7', '#f28e2b', '#59a14f', '#59a14f', '#8a94a3']);
    expect(figure.marks.map((m) => `${m.what}:${m.count}`)).toEqual(['units:14', 'edges:6', 'block bands:1']);
    const blocks = series.find((s) => s.type === 'scatter' && s.name === 'blocks') as unknown as {
      markArea: { data: [{ name: string }, unknown][] };
    };
    expect(blocks.markArea.data.map((a) => a[0].name)).toEqual(['block 0', 'block 1']);
    expect(figure.caption).toContain('|γ_i·W_in[i, j]| + |W_out[j, i]|');
    expect(figure.caption).toContain('W_Q, W_K and W_V');
    expect(figure.caption).toMatch(/^[A-Z].*\.$/s);
  });

  it('counts each block’s heads and neurons in every module, one bar segment per module present', () => {
    const figure = blockCompositionFigure(lm, layout);
    expect((figure.option.yAxis as { data: string[] }).data).toEqual([
      'residual stream (4)',
      'block 0 heads (2)',
      'block 0 neurons (3)',
      'block 1 heads (2)',
      'block 1 neurons (3)',
    ]);
    const series = seriesOf(figure) as Series[];
    expect(series.map((s) => s.name)).toEqual(['module 0', 'module 1', 'module 2', 'removed (degree 0)']);
    const units = series.map((s) => s.data.map((d) => (d === null ? 0 : d.units)));
    expect(units).toEqual([
      [2, 2, 1, 0, 0],
      [1, 0, 2, 1, 0],
      [1, 0, 0, 1, 2],
      [0, 0, 0, 0, 1],
    ]);
    // shares of each row add up to one
    for (let row = 0; row < 5; row++)
      expect(series.reduce((s, x) => s + (x.data[row] === null ? 0 : (x.data[row]!.value as number)), 0)).toBeCloseTo(1, 4);
    expect(figure.marks).toEqual([expect.objectContaining({ what: 'segments', count: 10 })]);
  });

  it('says that the nulls shuffle each weight matrix, and names the matrices', () => {
    const captions = clusterSection(lm).blocks.flatMap((b) =>
      b.type === 'figure' && b.figure.kind === 'shuffle-histogram' ? [b.figure.caption] : [],
    );
    expect(captions[0]).toContain(
      "each weight matrix (every block's W_in, W_out, W_Q, W_K, W_V and W_O) permuted on its own, zeros included, before the edges are combined",
    );
    expect(captions[1]).toContain("each weight matrix's non-zero weights (every block's W_in, W_out, W_Q, W_K, W_V and W_O)");
    for (const caption of captions) expect(caption).not.toContain("each layer's");
    const plain = clusterSection({ ...lm, view: { view: 'residual', attention: false, block: null } });
    expect(JSON.stringify(plain.blocks)).toContain("(every block's W_in, W_out) permuted");
    // other networks keep the words for layers
    expect(JSON.stringify(clusterSection(read(sampleCluster())).blocks)).toContain("each layer's weights permuted");
  });

  it('names the view in the subtitle and short block names in the table', () => {
    const section = clusterSection(lm);
    expect(section.title).toBe('Clusterability of lm.onnx');
    expect(section.subtitle).toContain(
      "residual view's (the residual stream joined to every block's MLP neurons and attention heads) weight graph",
    );
    const table = section.blocks.find((b) => b.type === 'html' && b.kind === 'cluster-table')!;
    expect(table.type === 'html' && [...table.html.matchAll(/<span title="[^"]+ units\)">([^<]+)<\/span>/g)].map((m) => m[1])).toEqual([
      'resid',
      'b0 heads',
      'b0 mlp',
      'b1 heads',
      'b1 mlp',
    ]);
  });

  it('keeps the layer drawing for the per-block view, with the block named in its headings', () => {
    const perBlock = read({ ...sampleCluster(), network: 'lm.onnx', view: { view: 'per-block', attention: false, block: 1 } });
    const section = clusterSection(perBlock);
    expect(section.title).toBe("Clusterability of lm.onnx, block 1's MLP");
    const network = section.blocks.find((b) => b.type === 'figure' && b.figure.kind === 'network');
    expect(network?.type === 'figure' && network.figure.title).toBe("Block 1's MLP by module: 8 units in 3 layers, k = 2");
    expect(JSON.stringify(section.blocks)).toContain("(block 1's W_in and W_out) permuted");
  });

  it('renders into the page with its figures and their marks', () => {
    const html = renderReport([sampleLanguageModelCluster()]);
    const figures = [...html.matchAll(/data-figure="([^"]+)"/g)].map((m) => m[1]);
    expect(figures).toEqual([
      'verdict',
      'residual-network',
      'block-composition',
      'shuffle-histogram',
      'shuffle-histogram',
      'cluster-table',
    ]);
    expect(html).toContain('segmentLabel');
  });
});
