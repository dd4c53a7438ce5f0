import type { LesionResultFile } from '@modscope/results';

export interface SubclusterView {
  layer: string;
  cluster: number;
  size: number;
  layerUnits: number;
  /** Accuracy after the lesion. */
  accuracy: number;
  /** Mean accuracy of the random same-size lesions. */
  randomAccuracy: number;
  importanceP: number;
  coherenceP: number;
  upstreamP: number;
  /** Per class: accuracy lost (intact − lesioned), and its left-sided p against the random lesions; NaN where written as null. */
  drop: number[];
  dropP: number[];
  featureViz?: { image: string; entropy: number; p: number };
}

/** A `modscope/lesion` result as the report draws it: per sub-cluster the numbers of its table row, Fisher p-values (NaN: not run). */
export interface LesionView {
  kind: LesionResultFile['kind'];
  version: LesionResultFile['version'];
  model: string;
  dataset: string;
  examples: number;
  classNames: string[];
  partition: { source: string; k: number };
  random: number;
  /** The smallest p-values the random lesions allow: a sub-cluster's, 1/(random + 1), and their Fisher combination (NaN: none). */
  smallestP: { subcluster: number; fisher: number };
  /** Tests whose sample count keeps every p above 0.05 (none in older files). */
  warnings: { message: string }[];
  baseline: { accuracy: number; perClassAccuracy: number[] };
  subclusters: SubclusterView[];
  fisher: { importance: number; coherence: number; upstream: number; featureViz: number };
  effectFactor: number;
}

const finite = (x: number | null) => x ?? Number.NaN;
const mean = (xs: readonly number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

export function lesionView(file: LesionResultFile): LesionView {
  return {
    kind: file.kind,
    version: file.version,
    model: file.model,
    dataset: file.dataset,
    examples: file.examples,
    classNames: file.classNames,
    partition: { source: file.partition.source, k: file.partition.k },
    random: file.random,
    smallestP: { subcluster: file.smallestP?.subcluster ?? 1 / (file.random + 1), fisher: file.smallestP?.fisher ?? Number.NaN },
    warnings: file.warnings ?? [],
    baseline: { accuracy: file.baseline.accuracy, perClassAccuracy: file.baseline.perClassAccuracy.map(finite) },
    subclusters: file.subclusters.map((s) => ({
      layer: s.layer,
      cluster: s.cluster,
      size: s.size,
      layerUnits: s.layerUnits,
      accuracy: s.accuracy,
      randomAccuracy: mean(s.random.accuracy),
      importanceP: s.importanceP,
      coherenceP: s.coherenceP,
      upstreamP: s.upstream.p,
      drop: s.drop.map(finite),
      dropP: s.dropP.map(finite),
      ...(s.featureViz ? { featureViz: { image: s.featureViz.image, entropy: s.featureViz.entropy, p: s.featureViz.p } } : {}),
    })),
    fisher: {
      importance: file.fisher.importance?.p ?? Number.NaN,
      coherence: file.fisher.coherence?.p ?? Number.NaN,
      upstream: file.fisher.upstream?.p ?? Number.NaN,
      featureViz: file.fisher.featureViz?.p ?? Number.NaN,
    },
    effectFactor: finite(file.effectFactor),
  };
}
