import { z } from 'zod';
import { agreement } from './compare-result-schema.js';
import { TEXT_COMPARE_RESULT_KIND, TEXT_COMPARE_RESULT_VERSION } from './result-kinds.js';
import { count, header } from './schema-parts.js';

/** `modscope compare MODEL --text … --json FILE`: weight-graph vs coactivation partitions of a language model's MLP neurons (method §9). */
export const textCompareResultSchema = z
  .object({
    ...header(TEXT_COMPARE_RESULT_KIND, TEXT_COMPARE_RESULT_VERSION),
    model: z.string(),
    domains: z.array(z.string()).describe('The domains of the corpus (a file or a tag each).'),
    windows: count(0).describe('Windows of text whose token positions the coactivations are computed over.'),
    k: count(1),
    partitions: z.object({ weights: z.string(), coactivation: z.string() }).describe('The two partitions compared, by source.'),
    overall: z.object(agreement).describe('Over every MLP neuron of every block.'),
    layers: z.array(z.object({ layer: z.string(), ...agreement })).describe("Per block's MLP neurons."),
  })
  .meta({
    title: 'modscope text-compare result',
    description:
      "What 'modscope compare MODEL --text CORPUS --json FILE' writes: how much the residual-view weight-graph partition and the coactivation partition (over token positions) of a language model's MLP neurons agree (ARI, NMI), over all neurons and per block, against a permutation null.",
  });

/** A `modscope/text-compare` result file, version 1. */
export type TextCompareResultFile = z.output<typeof textCompareResultSchema>;
