import { InvalidArgumentError, type SparseGraph, type UnitActivations } from '@modscope/core';
import { gramOfPanels } from './gram-of-panels.js';
import { standardizeColumns, type CoactivationMeasure, type LayerUnit } from './standardize-columns.js';

export interface CoactivationGraphOptions {
  /** `'spearman'` (default): correlation of average ranks; `'pearson'`: of the values themselves. */
  measure?: CoactivationMeasure;
}

export interface CoactivationGraph {
  /** Complete graph on the kept units, edge weight ρ², symmetric CSR without self-loops. */
  graph: SparseGraph;
  /** The unit behind each node: `nodes[i]` is node i. */
  nodes: LayerUnit[];
  /** Units left out because their values are all equal (zero variance). */
  dropped: LayerUnit[];
}

const name = '@modscope/partition-coactivation';

/**
 * The coactivation graph of the method (§5): one node per unit of the given layers, an edge between
 * every two units weighted by their squared correlation across examples (Spearman by default: Pearson
 * correlation of average ranks, ties sharing their mean rank). Units with zero variance are dropped.
 * Edges whose weight is exactly 0 are omitted. If every unit is dropped the graph has no nodes.
 *
 * Cost: O(units · examples) for the ranks (a radix sort) and O(units² · examples / 2) for the
 * correlations (a cache-blocked, register-tiled Gram matrix); memory: the activations plus 8 bytes per
 * unit and example, plus 8 · units² bytes for the correlations and 12 · units² for the graph.
 */
export function coactivationGraph(activations: readonly UnitActivations[], options: CoactivationGraphOptions = {}): CoactivationGraph {
  const measure = options.measure ?? 'spearman';
  checkActivations(activations, measure);
  const columns = standardizeColumns(activations, measure);
  const n = columns.columns;
  const gram = gramOfPanels(columns.packed, n, columns.examples);
  const padded = Math.ceil(n / 4) * 4;
  // only the upper triangle is computed: turn it into ρ² and mirror it, so that rows read contiguously
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const r = gram[i * padded + j]!;
      const w = r >= 1 || r <= -1 ? 1 : r * r;
      gram[i * padded + j] = w;
      gram[j * padded + i] = w;
    }
  }
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let degree = 0;
    for (let j = 0, o = i * padded; j < n; j++) if (j !== i && gram[o + j] !== 0) degree++;
    indptr[i + 1] = indptr[i]! + degree;
  }
  const indices = new Int32Array(indptr[n]!);
  const weights = new Float64Array(indptr[n]!);
  for (let i = 0, p = 0; i < n; i++) {
    for (let j = 0, o = i * padded; j < n; j++) {
      const w = gram[o + j]!;
      if (j === i || w === 0) continue;
      indices[p] = j;
      weights[p++] = w;
    }
  }
  return { graph: { nodeCount: n, indptr, indices, weights }, nodes: columns.kept, dropped: columns.dropped };
}

function checkActivations(activations: readonly UnitActivations[], measure: string): void {
  if (measure !== 'spearman' && measure !== 'pearson')
    throw new InvalidArgumentError({
      argument: 'measure',
      message: `${name}: measure must be 'spearman' or 'pearson', got '${measure}'.`,
      hint: "Leave it out for Spearman (the method's default), or pass 'pearson'.",
    });
  if (activations.length === 0)
    throw new InvalidArgumentError({
      argument: 'activations',
      message: `${name}: no layers' activations given.`,
      hint: 'Pass the activations of at least one layer (captureUnitActivations from @modscope/core).',
    });
  const count = activations[0]!.count;
  const seen = new Set<string>();
  for (const a of activations) {
    if (seen.has(a.layer))
      throw new InvalidArgumentError({
        argument: 'activations',
        message: `${name}: layer '${a.layer}' appears twice.`,
        hint: 'Give each layer once; a unit paired with its own copy would get a correlation of 1.',
      });
    seen.add(a.layer);
    if (a.count !== count)
      throw new InvalidArgumentError({
        argument: 'activations',
        message: `${name}: layer '${a.layer}' has ${a.count} examples, layer '${activations[0]!.layer}' ${count}.`,
        hint: 'Capture every layer on the same inputs in one call (captureUnitActivations does).',
      });
    if (!Number.isInteger(a.units) || a.units < 0 || a.data.length !== a.count * a.units)
      throw new InvalidArgumentError({
        argument: 'activations',
        message: `${name}: layer '${a.layer}' holds ${a.data.length} values, not ${a.count} examples × ${a.units} units.`,
        hint: 'data must be example-major, data[example * units + unit], as captureUnitActivations returns it.',
      });
  }
  if (!(Number.isInteger(count) && count >= 2))
    throw new InvalidArgumentError({
      argument: 'activations',
      message: `${name}: correlations need at least 2 examples, got ${count}.`,
      hint: 'Capture activations on more inputs (the method uses up to 5,000).',
    });
}
