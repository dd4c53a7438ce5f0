import type { CompareResultFile, TextCompareResultFile } from '@modscope/results';

/** Agreement of two partitions of the same units, with the permutation null's means and p-values. */
export interface AgreementView {
  n: number;
  ari: number;
  nmi: number;
  permutations: number;
  ariMean: number;
  ariP: number;
  nmiMean: number;
  nmiP: number;
}

/** A `modscope/compare` result as the report draws it: each agreement with its null flattened. */
export interface CompareView {
  kind: CompareResultFile['kind'];
  version: CompareResultFile['version'];
  model: string;
  dataset: string;
  examples: number;
  k: number;
  partitions: { weights: string; coactivation: string };
  overall: AgreementView;
  layers: (AgreementView & { layer: string })[];
}

function agreementView(a: CompareResultFile['overall']): AgreementView {
  const { permutations, ariMean, ariP, nmiMean, nmiP } = a.permutation;
  return { n: a.n, ari: a.ari, nmi: a.nmi, permutations, ariMean, ariP, nmiMean, nmiP };
}

export function compareView(file: CompareResultFile): CompareView {
  return {
    kind: file.kind,
    version: file.version,
    model: file.model,
    dataset: file.dataset,
    examples: file.examples,
    k: file.k,
    partitions: file.partitions,
    overall: agreementView(file.overall),
    layers: file.layers.map((l) => ({ layer: l.layer, ...agreementView(l) })),
  };
}

/** A `modscope/text-compare` result as the report draws it: the MLP neurons of a language model, over the windows of its domains. */
export interface TextCompareView {
  kind: TextCompareResultFile['kind'];
  version: TextCompareResultFile['version'];
  model: string;
  domains: string[];
  windows: number;
  k: number;
  partitions: { weights: string; coactivation: string };
  overall: AgreementView;
  layers: (AgreementView & { layer: string })[];
}

export function textCompareView(file: TextCompareResultFile): TextCompareView {
  return {
    kind: file.kind,
    version: file.version,
    model: file.model,
    domains: file.domains,
    windows: file.windows,
    k: file.k,
    partitions: file.partitions,
    overall: agreementView(file.overall),
    layers: file.layers.map((l) => ({ layer: l.layer, ...agreementView(l) })),
  };
}
