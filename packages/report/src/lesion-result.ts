import type { ResultReader } from './result-reader.js';

export interface LesionSubcluster {
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
  /** Per class: accuracy lost (intact − lesioned), and its left-sided p against the random lesions. */
  drop: number[];
  dropP: number[];
  featureViz?: { image: string; entropy: number; p: number };
}

/** `modscope lesion --json` (kind `modscope/lesion`, version 1): the fields the report uses. */
export interface LesionResult {
  kind: 'modscope/lesion';
  version: 1;
  model: string;
  dataset: string;
  examples: number;
  classNames: string[];
  partition: { source: string; k: number };
  random: number;
  baseline: { accuracy: number; perClassAccuracy: number[] };
  subclusters: LesionSubcluster[];
  fisher: { importance: number; coherence: number; upstream: number; featureViz: number };
  effectFactor: number;
}

export function readLesionResult(r: ResultReader, value: unknown): LesionResult {
  const o = r.object(value, '');
  const classNames = r.array(o.classNames, 'classNames').map((c, i) => r.string(c, `classNames[${i}]`));
  const classes = classNames.length;
  const baseline = r.object(o.baseline, 'baseline');
  const partition = r.object(o.partition, 'partition');
  const fisher = r.object(o.fisher ?? {}, 'fisher');
  const fisherP = (name: string) => {
    const f = fisher[name];
    return f === undefined || f === null ? Number.NaN : r.numberOrNull(r.object(f, `fisher.${name}`).p, `fisher.${name}.p`);
  };
  const subclusters = r.array(o.subclusters, 'subclusters').map((v, i): LesionSubcluster => {
    const s = r.object(v, `subclusters[${i}]`);
    const at = (f: string) => `subclusters[${i}].${f}`;
    const random = r.numbers(r.object(s.random, at('random')).accuracy, at('random.accuracy'));
    const upstream = s.upstream === undefined ? undefined : r.object(s.upstream, at('upstream'));
    const feature = r.optional(s.featureViz, (f) => {
      const fv = r.object(f, at('featureViz'));
      return {
        image: r.string(fv.image, at('featureViz.image')),
        entropy: r.numberOrNull(fv.entropy, at('featureViz.entropy')),
        p: r.numberOrNull(fv.p, at('featureViz.p')),
      };
    });
    return {
      layer: r.string(s.layer, at('layer')),
      cluster: r.integer(s.cluster, at('cluster')),
      size: r.integer(s.size, at('size'), 1),
      layerUnits: r.integer(s.layerUnits, at('layerUnits'), 1),
      accuracy: r.number(s.accuracy, at('accuracy')),
      randomAccuracy: random.length > 0 ? random.reduce((a, b) => a + b, 0) / random.length : Number.NaN,
      importanceP: r.numberOrNull(s.importanceP, at('importanceP')),
      coherenceP: r.numberOrNull(s.coherenceP, at('coherenceP')),
      upstreamP: upstream ? r.numberOrNull(upstream.p, at('upstream.p')) : Number.NaN,
      drop: r.numbersOrNull(s.drop, at('drop'), classes),
      dropP: r.numbersOrNull(s.dropP, at('dropP'), classes),
      ...(feature ? { featureViz: feature } : {}),
    };
  });
  return {
    kind: 'modscope/lesion',
    version: 1,
    model: r.string(o.model, 'model'),
    dataset: r.string(o.dataset, 'dataset'),
    examples: r.integer(o.examples, 'examples'),
    classNames,
    partition: { source: r.string(partition.source, 'partition.source'), k: r.integer(partition.k, 'partition.k', 1) },
    random: r.integer(o.random, 'random'),
    baseline: {
      accuracy: r.number(baseline.accuracy, 'baseline.accuracy'),
      perClassAccuracy: r.numbersOrNull(baseline.perClassAccuracy, 'baseline.perClassAccuracy', classes),
    },
    subclusters,
    fisher: {
      importance: fisherP('importance'),
      coherence: fisherP('coherence'),
      upstream: fisherP('upstream'),
      featureViz: fisherP('featureViz'),
    },
    effectFactor: r.numberOrNull(o.effectFactor, 'effectFactor'),
  };
}
