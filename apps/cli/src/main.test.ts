import { describe, expect, it, vi } from 'vitest';
import { main } from './main.js';
import { table } from './output.js';

const run = async (...args: string[]) => {
  let err = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const code = await main(['node', 'modscope', ...args], { stderr: (s) => (err += s) });
    return { code, err };
  } finally {
    out.mockRestore();
  }
};

describe('main', () => {
  it('exits 0 for --version and --help', async () => {
    expect((await run('--version')).code).toBe(0);
    expect((await run('--help')).code).toBe(0);
  });

  it('exits 2 for usage errors', async () => {
    const r = await run('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command 'frobnicate'/);
    expect((await run('evaluate', 'm.onnx')).code).toBe(2); // --data is required
    expect((await run('evaluate', 'm.onnx', '--data', 'x', '--limit', '-3')).code).toBe(2);
    const unknown = await run('inspect', 'm.onnx', '--frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown option '--frobnicate'/);
  });

  it('exits 2 for usage errors found after parsing: an unknown null model or partitioner, in one line', async () => {
    const nulls = await run('cluster', 'm.onnx', '--nulls', 'layer,global');
    expect(nulls.code).toBe(2);
    expect(nulls.err).toMatch(/^modscope: unknown null model 'global'\..*layer, layer-nonzero/);
    const partitioner = await run('cluster', 'm.onnx', '--partitioner', 'no-such-partitioner');
    expect(partitioner.code).toBe(2);
    expect(partitioner.err).toMatch(
      /^modscope: unknown partitioner 'no-such-partitioner': not one of spectral, louvain, nor a package or file found from /,
    );
    for (const r of [nulls, partitioner]) expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('reports a modscope error in one line and exits 1', async () => {
    const r = await run('inspect', '/nonexistent/model.onnx');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^modscope: .*\/nonexistent\/model\.onnx/);
  });
});

describe('table', () => {
  it('aligns text left and numbers right', () => {
    expect(
      table(
        ['name', 'n'],
        [
          ['a', 1],
          ['bbb', 100],
        ],
      ),
    ).toBe('name    n\n────  ───\na       1\nbbb   100');
  });

  it('also right-aligns numbers already formatted as strings, not percentages', () => {
    const out = table(
      ['name', 'p'],
      [
        ['layer', '0.050'],
        ['layer-nonzero', '1.000'],
      ],
    ).split('\n');
    expect(out[2]).toBe('layer          0.050');
    expect(table(['a', 'b'], [['x', '85.2%']]).split('\n')[2]).toBe('x  85.2%');
  });
});
