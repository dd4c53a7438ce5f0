import type { ResultReader } from './result-reader.js';

/** Agreement of two partitions of the same units, with the permutation null's means and p-values. */
export interface Agreement {
  n: number;
  ari: number;
  nmi: number;
  permutations: number;
  ariMean: number;
  ariP: number;
  nmiMean: number;
  nmiP: number;
}

/** `modscope compare --json` (kind `modscope/compare`, version 1): the fields the report uses. */
export interface CompareResult {
  kind: 'modscope/compare';
  version: 1;
  model: string;
  dataset: string;
  examples: number;
  k: number;
  partitions: { weights: string; coactivation: string };
  overall: Agreement;
  layers: (Agreement & { layer: string })[];
}

function readAgreement(r: ResultReader, value: unknown, path: string): Agreement {
  const a = r.object(value, path);
  const p = r.object(a.permutation, `${path}.permutation`);
  const at = (f: string) => `${path}.${f}`;
  return {
    n: r.integer(a.n, at('n')),
    ari: r.numberOrNull(a.ari, at('ari')),
    nmi: r.numberOrNull(a.nmi, at('nmi')),
    permutations: r.integer(p.permutations, at('permutation.permutations')),
    ariMean: r.numberOrNull(p.ariMean, at('permutation.ariMean')),
    ariP: r.numberOrNull(p.ariP, at('permutation.ariP')),
    nmiMean: r.numberOrNull(p.nmiMean, at('permutation.nmiMean')),
    nmiP: r.numberOrNull(p.nmiP, at('permutation.nmiP')),
  };
}

export function readCompareResult(r: ResultReader, value: unknown): CompareResult {
  const o = r.object(value, '');
  const partitions = r.object(o.partitions, 'partitions');
  return {
    kind: 'modscope/compare',
    version: 1,
    model: r.string(o.model, 'model'),
    dataset: r.string(o.dataset, 'dataset'),
    examples: r.integer(o.examples, 'examples'),
    k: r.integer(o.k, 'k', 1),
    partitions: {
      weights: r.string(partitions.weights, 'partitions.weights'),
      coactivation: r.string(partitions.coactivation, 'partitions.coactivation'),
    },
    overall: readAgreement(r, o.overall, 'overall'),
    layers: r
      .array(o.layers, 'layers')
      .map((l, i) => ({
        layer: r.string(r.object(l, `layers[${i}]`).layer, `layers[${i}].layer`),
        ...readAgreement(r, l, `layers[${i}]`),
      })),
  };
}
