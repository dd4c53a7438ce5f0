import { z } from 'zod';
import { COMPARE_RESULT_KIND, COMPARE_RESULT_VERSION } from './result-kinds.js';
import { pValueFloorWarnings } from './cluster-result-schema.js';
import { count, header } from './schema-parts.js';

/** The fields of one agreement of two partitions (ARI, NMI, their permutation null); also the text compare's. */
export const agreement = {
  ari: z.number().describe('Adjusted Rand index (1 = identical, 0 = chance).'),
  nmi: z.number().describe('Normalized mutual information, arithmetic-mean normalization.'),
  n: count(0).describe('Units compared.'),
  permutation: z
    .object({
      permutations: count(1).describe('Permutations run: no p below 1 / (permutations + 1).'),
      ariMean: z.number(),
      ariStd: z.number(),
      ariP: z.number().describe('Right-sided p of the ARI against the permuted ones.'),
      nmiMean: z.number(),
      nmiStd: z.number(),
      nmiP: z.number().describe('Right-sided p of the NMI against the permuted ones.'),
    })
    .describe("The permutation null: one partition's labels shuffled."),
};

/** `modscope compare --json FILE`: agreement of the weight-graph and the coactivation partition (method §5). */
export const compareResultSchema = z
  .object({
    ...header(COMPARE_RESULT_KIND, COMPARE_RESULT_VERSION),
    model: z.string(),
    dataset: z.string(),
    examples: count(0),
    k: count(1),
    partitions: z.object({ weights: z.string(), coactivation: z.string() }).describe('The two partitions compared, by source.'),
    overall: z.object(agreement).describe('Over all hidden units.'),
    layers: z.array(z.object({ layer: z.string(), ...agreement })).describe('Per hidden layer.'),
    warnings: pValueFloorWarnings,
  })
  .meta({
    title: 'modscope compare result',
    description:
      "What 'modscope compare MODEL --data DATA --json FILE' writes: how much the weight-graph and the coactivation partitions of the hidden units agree (ARI, NMI), over all units and per layer, against a permutation null.",
  });

/** A `modscope/compare` result file, version 1. */
export type CompareResultFile = z.output<typeof compareResultSchema>;
