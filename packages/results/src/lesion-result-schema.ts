import { z } from 'zod';
import { LESION_RESULT_KIND, LESION_RESULT_VERSION } from './result-kinds.js';
import { pValueFloorWarnings } from './cluster-result-schema.js';
import { count, header, label, statistic, timing } from './schema-parts.js';

const fisherCombined = z
  .object({
    statistic: z.number().describe('X = −2 Σ ln p.'),
    df: count(0).describe('Degrees of freedom of its chi-square null: twice the p-values combined.'),
    p: z.number(),
  })
  .describe("Fisher's combination of the sub-clusters' p-values.");

const smallestP = z
  .object({
    subcluster: z.number().describe("A sub-cluster's p-values (importance, selectivity, per-class drop, upstream): 1 / (random + 1)."),
    fisher: z.number().nullable().describe('Their Fisher combination over the sub-clusters; null without sub-clusters.'),
  })
  .describe('The smallest p-values the random sets allow.');

const subcluster = z.object({
  layer: z.string().describe('The layer that owns the units.'),
  cluster: count(0),
  size: count(1).describe('Units lesioned.'),
  layerUnits: count(1),
  units: z.array(count(0)).describe('The units lesioned, as indices into the layer.'),
  accuracy: z.number().describe('Accuracy with the sub-cluster lesioned.'),
  perClassAccuracy: z.array(statistic()).describe('Per true class; null for a class without examples.'),
  meanClassAccuracy: z.number().describe('Mean of the per-class accuracies: the importance statistic.'),
  importanceP: z.number().describe('Left-sided p of meanClassAccuracy against the random lesions.'),
  coherence: z.number().describe('Class selectivity: (max Δ − min Δ) / |mean Δ| over the classes.'),
  coherenceP: z.number().describe('Right-sided p of coherence against the random lesions.'),
  drop: z.array(statistic()).describe('Per class, accuracy lost (intact − lesioned); null for a class without examples.'),
  dropP: z.array(statistic()).describe('Per class, left-sided p against the random lesions; null for a class without examples.'),
  random: z
    .object({
      accuracy: z.array(z.number()),
      meanClassAccuracy: z.array(z.number()),
      coherence: z.array(z.number()),
    })
    .describe('The random same-size lesions of the same layer.'),
  upstream: z
    .object({
      entropy: z.number().describe('Entropy (nats) of the true labels of the examples that activate the units most.'),
      p: z.number().describe('Left-sided p against the random sets.'),
      topExamples: z.array(count(0)).describe('Those examples, as indices into the data, highest first.'),
      randomEntropy: z.array(z.number()),
    })
    .describe('Upstream coherence.'),
  featureViz: z
    .object({
      image: z.string().describe('The PNG of the optimized input.'),
      entropy: z.number().describe('Entropy (nats) of the softmax on the optimized input.'),
      activation: statistic().describe('Mean activation the sub-cluster reached.'),
      p: z.number().describe('Left-sided p against the random sets.'),
      randomEntropy: z.array(z.number()),
    })
    .optional()
    .describe('The feature-visualization test, with --feature-viz.'),
});

/** `modscope lesion --json FILE`: the lesion sweep of every sub-cluster against random same-size lesions (method §5). */
export const lesionResultSchema = z
  .object({
    ...header(LESION_RESULT_KIND, LESION_RESULT_VERSION),
    model: z.string(),
    dataset: z.string(),
    split: z.string().optional().describe('The split of the dataset evaluated on, where it has splits.'),
    examples: count(0),
    classNames: z.array(z.string()),
    engine: z.string().describe('The evaluator that ran the network.'),
    partition: z.object({
      source: z.string().describe('weights, coactivation (…), or the cluster result file it was read from.'),
      k: count(1),
      layers: z.array(z.object({ layer: z.string(), labels: z.array(label()) })),
    }),
    random: count(1).describe('Random same-size lesions per sub-cluster.'),
    randomFrom: z
      .enum(['option', 'default-dense', 'default-conv'])
      .optional()
      .describe(
        'Where `random` came from: the random option (--random), or the default: 99 for a network without conv layers (default-dense), 19 for one with (default-conv). Absent in older files.',
      ),
    smallestP: smallestP.optional().describe('The smallest p-values the random lesions allow. Absent in older files.'),
    seed: z.number(),
    baseline: z
      .object({
        accuracy: z.number(),
        perClassAccuracy: z.array(statistic()),
        meanClassAccuracy: z.number(),
      })
      .describe('The intact network.'),
    subclusters: z.array(subcluster),
    fisher: z.object({
      importance: fisherCombined.nullable(),
      coherence: fisherCombined.nullable(),
      upstream: fisherCombined.nullable(),
      featureViz: fisherCombined.optional(),
    }),
    featureViz: z
      .object({
        directory: z.string(),
        backend: z.string(),
        steps: count(0),
        random: count(1)
          .optional()
          .describe('Random same-size unit sets per sub-cluster: the random option, else 19. Absent in older files.'),
        smallestP: smallestP.optional().describe('The smallest p-values those random sets allow. Absent in older files.'),
      })
      .optional()
      .describe('Where the feature-visualization images are and how they were made, with --feature-viz.'),
    effectFactor: statistic().describe('Mean random-lesion / sub-cluster-lesion mean class accuracy: > 1, the modules matter more.'),
    evaluations: count(0).describe('Lesioned evaluations run.'),
    warnings: pValueFloorWarnings,
    timings: z
      .object({ partition: timing(), lesions: timing(), upstream: timing(), featureViz: timing().optional() })
      .describe('Wall-clock milliseconds.'),
  })
  .superRefine((result, context) => {
    const classes = result.classNames.length;
    const perClass = (values: readonly unknown[], path: (string | number)[]) => {
      if (values.length !== classes)
        context.addIssue({ code: 'custom', path, message: `has ${values.length} entries, expected ${classes}` });
    };
    perClass(result.baseline.perClassAccuracy, ['baseline', 'perClassAccuracy']);
    result.subclusters.forEach((s, i) => {
      perClass(s.perClassAccuracy, ['subclusters', i, 'perClassAccuracy']);
      perClass(s.drop, ['subclusters', i, 'drop']);
      perClass(s.dropP, ['subclusters', i, 'dropP']);
    });
  })
  .meta({
    title: 'modscope lesion result',
    description:
      "What 'modscope lesion MODEL --data DATA --json FILE' writes: each sub-cluster's lesion against random same-size lesions of its layer (importance, class selectivity, upstream coherence, optionally feature visualization) and their Fisher combinations. Numbers that are not finite are written as null.",
  });

/** A `modscope/lesion` result file, version 1. */
export type LesionResultFile = z.output<typeof lesionResultSchema>;
