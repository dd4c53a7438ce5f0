import type { TextLesionResultFile } from '@modscope/results';

/** A position of the text where a sub-cluster is most active: the text before it, its token, the text after. */
interface TextContextView {
  activation: number;
  domain: string;
  before: string;
  token: string;
  after: string;
}

export interface TextSubclusterView {
  layer: string;
  kind: 'neurons' | 'heads';
  block: number;
  cluster: number;
  size: number;
  layerUnits: number;
  /** Loss increase (nats per token) with the sub-cluster lesioned, and each random same-size set's. */
  increase: number;
  randomIncrease: number[];
  importanceP: number;
  /** Per domain, in the order of `domains`; NaN where written as null. */
  domainIncrease: number[];
  domainP: number[];
  selectivityP: number;
  contexts: TextContextView[];
  /** Entropy (bits) of the top contexts' domains and its left-sided p against the random sets. */
  domainEntropy: number;
  domainEntropyP: number;
}

/** A `modscope/text-lesion` result as the report draws it; statistics written as null are NaN here. */
export interface TextLesionView {
  kind: TextLesionResultFile['kind'];
  version: TextLesionResultFile['version'];
  model: string;
  tokenizer: string;
  split: string;
  domains: string[];
  windows: number;
  context: number;
  ablation: 'zero' | 'mean';
  partition: { source: string; k: number };
  random: number;
  smallestP: { subcluster: number; fisher: number };
  warnings: { message: string }[];
  baseline: { loss: number; accuracy: number; domainLoss: number[] };
  subclusters: TextSubclusterView[];
  fisher: { importance: number; selectivity: number };
}

const finite = (x: number | null) => x ?? Number.NaN;

export function textLesionView(file: TextLesionResultFile): TextLesionView {
  return {
    kind: file.kind,
    version: file.version,
    model: file.model,
    tokenizer: file.tokenizer,
    split: file.split,
    domains: file.domains,
    windows: file.windows,
    context: file.context,
    ablation: file.ablation,
    partition: { source: file.partition.source, k: file.partition.k },
    random: file.random,
    smallestP: { subcluster: file.smallestP.subcluster, fisher: finite(file.smallestP.fisher) },
    warnings: file.warnings ?? [],
    baseline: { loss: file.baseline.loss, accuracy: file.baseline.accuracy, domainLoss: file.baseline.domainLoss.map(finite) },
    subclusters: file.subclusters.map((s) => ({
      layer: s.layer,
      kind: s.kind,
      block: s.block,
      cluster: s.cluster,
      size: s.size,
      layerUnits: s.layerUnits,
      increase: s.increase,
      randomIncrease: s.random.increase,
      importanceP: s.importanceP,
      domainIncrease: s.domainIncrease.map(finite),
      domainP: s.domainP.map(finite),
      selectivityP: s.selectivityP,
      contexts: s.upstream.contexts.map((c) => ({
        activation: c.activation,
        domain: c.domain,
        before: c.before,
        token: c.token,
        after: c.after,
      })),
      domainEntropy: s.upstream.domainEntropy,
      domainEntropyP: s.upstream.domainEntropyP,
    })),
    fisher: { importance: finite(file.fisher.importance), selectivity: finite(file.fisher.selectivity) },
  };
}

/** Sub-clusters by importance: the largest loss increase first. */
export function rankTextSubclusters(result: TextLesionView): TextSubclusterView[] {
  return [...result.subclusters].sort((a, b) => b.increase - a.increase || a.layer.localeCompare(b.layer) || a.cluster - b.cluster);
}

/** `block 0 MLP · module 2`, `block 1 heads · module 0`. */
export function textSubclusterName(s: { block: number; kind: 'neurons' | 'heads'; cluster: number }): string {
  return `block ${s.block} ${s.kind === 'heads' ? 'heads' : 'MLP'} · module ${s.cluster}`;
}

/** `3 neurons`, `1 head`. */
export function unitsText(size: number, kind: 'neurons' | 'heads'): string {
  return `${size} ${size === 1 ? kind.slice(0, -1) : kind}`;
}
