import { z } from 'zod';
import { pValueFloorWarnings } from './cluster-result-schema.js';
import { TEXT_LESION_RESULT_KIND, TEXT_LESION_RESULT_VERSION } from './result-kinds.js';
import { count, header, label, statistic } from './schema-parts.js';

const perDomain = (what: string) =>
  z.array(statistic()).describe(`${what}, per domain in the order of \`domains\`; null where not finite.`);

const topContext = z
  .object({
    activation: z.number().describe("Mean activation of the sub-cluster's units (a head's channels, for heads) at this position."),
    domain: z.string().describe('The domain of the window the position is in.'),
    window: count(0).describe('The window, as an index into the windows evaluated.'),
    position: count(0).describe('The position of the token in its window.'),
    before: z.string().describe('The text of the tokens just before the position (up to 40).'),
    token: z.string().describe('The text of the token at the position.'),
    after: z.string().describe('The text of the tokens just after it (up to 8).'),
  })
  .describe('A position of the text where the sub-cluster is most active, with the text around it.');

const subcluster = z.object({
  layer: z
    .string()
    .describe("The layer that owns the units: a block's MLP activation (block{b}.mlp.act) or attention (block{b}.attention)."),
  kind: z.enum(['neurons', 'heads']).describe('MLP neurons or attention heads.'),
  block: count(0).describe('The transformer block.'),
  cluster: count(0),
  size: count(1).describe('Units lesioned.'),
  layerUnits: count(1).describe('Units of the layer: its MLP neurons or heads.'),
  units: z.array(count(0)).describe('The units lesioned, as indices into the layer.'),
  loss: z.number().describe('Mean next-token cross-entropy (nats per token) with the sub-cluster lesioned.'),
  accuracy: z.number().describe('Next-token top-1 accuracy with the sub-cluster lesioned.'),
  domainLoss: perDomain('Loss with the sub-cluster lesioned'),
  increase: z.number().describe('Loss increase (lesioned − intact, nats per token): the importance statistic.'),
  domainIncrease: perDomain('Loss increase'),
  importanceP: z.number().describe('Right-sided p of the increase against the random sets.'),
  selectivity: statistic().describe('Domain selectivity: (max Δ − min Δ) / |mean Δ| over the domains.'),
  selectivityP: z.number().describe('Right-sided p of the selectivity against the random sets.'),
  domainP: perDomain("Right-sided p of that domain's increase against the random sets"),
  random: z
    .object({
      increase: z.array(z.number()).describe("Each random set's loss increase."),
      selectivity: z.array(statistic()).describe("Each random set's domain selectivity."),
    })
    .describe('The random same-size sets of units of the same layer.'),
  upstream: z
    .object({
      contexts: z.array(topContext).describe('The positions where the units are most active, highest first.'),
      domainEntropy: z.number().describe('Shannon entropy (bits) of the domains of those positions.'),
      domainEntropyP: z.number().describe('Left-sided p of the entropy against the random sets: small, the units read one domain.'),
    })
    .describe('Upstream coherence for text (method §9): the text that activates the sub-cluster most.'),
});

const loss = z.object({
  loss: z.number().describe('Mean next-token cross-entropy, nats per token.'),
  accuracy: z.number().describe('Next-token top-1 accuracy.'),
  domainLoss: perDomain('Loss'),
});

/** `modscope lesion MODEL --text … --json FILE`: the lesion study of a language model's neurons and heads (method §9). */
export const textLesionResultSchema = z
  .object({
    ...header(TEXT_LESION_RESULT_KIND, TEXT_LESION_RESULT_VERSION),
    model: z.string(),
    engine: z.string().describe('The evaluator that ran the network.'),
    tokenizer: z.string().describe('The tokenizer: chars:<vocabulary file>, or gpt2 BPE.'),
    split: z.enum(['test', 'train', 'all']).describe('The windows evaluated: the test or train split of the corpus, or all of it.'),
    domains: z.array(z.string()).describe('The domains of the corpus (a file or a tag each).'),
    windows: count(0).describe('Windows of text evaluated.'),
    context: count(1).describe('Tokens per window.'),
    ablation: z.enum(['zero', 'mean']).describe("zero: a unit's output set to 0; mean: to its mean over the windows."),
    partition: z.object({
      source: z
        .string()
        .describe('weights (residual view, heads included), coactivation (…), or the cluster result file it was read from.'),
      k: count(1),
      layers: z.array(z.object({ layer: z.string(), labels: z.array(label()) })),
    }),
    random: count(1).describe('Random same-size sets of units of the same layer per sub-cluster.'),
    seed: z.number(),
    smallestP: z
      .object({
        subcluster: z.number().describe("A sub-cluster's p-values (importance, selectivity, per-domain, upstream): 1 / (random + 1)."),
        fisher: z.number().nullable().describe('Their Fisher combination over the sub-clusters; null without sub-clusters.'),
      })
      .describe('The smallest p-values the random sets allow.'),
    baseline: loss.describe('The intact network.'),
    subclusters: z.array(subcluster),
    fisher: z
      .object({
        importance: z.number().nullable().describe("Fisher-combined p of the sub-clusters' importance; null without sub-clusters."),
        selectivity: z.number().nullable().describe('Fisher-combined p of their domain selectivity; null without sub-clusters.'),
      })
      .describe("Fisher's combination of the sub-clusters' p-values."),
    warnings: pValueFloorWarnings,
    seconds: z.number().min(0).describe('Wall-clock seconds.'),
  })
  .superRefine((result, context) => {
    const domains = result.domains.length;
    const perDomain = (values: readonly unknown[], path: (string | number)[]) => {
      if (values.length !== domains)
        context.addIssue({ code: 'custom', path, message: `has ${values.length} entries, expected ${domains}` });
    };
    perDomain(result.baseline.domainLoss, ['baseline', 'domainLoss']);
    result.subclusters.forEach((s, i) => {
      perDomain(s.domainLoss, ['subclusters', i, 'domainLoss']);
      perDomain(s.domainIncrease, ['subclusters', i, 'domainIncrease']);
      perDomain(s.domainP, ['subclusters', i, 'domainP']);
      s.upstream.contexts.forEach((c, j) => {
        if (!result.domains.includes(c.domain))
          context.addIssue({
            code: 'custom',
            path: ['subclusters', i, 'upstream', 'contexts', j, 'domain'],
            message: `is '${c.domain}', not one of the domains (${result.domains.join(', ')})`,
          });
      });
    });
  })
  .meta({
    title: 'modscope text-lesion result',
    description:
      "What 'modscope lesion MODEL --text CORPUS --json FILE' writes: each sub-cluster of a language model's MLP neurons and attention heads lesioned against random same-size sets of its layer (loss increase, domain selectivity, per-domain increase), their Fisher combinations, and the text that activates each most. Numbers that are not finite are written as null.",
  });

/** A `modscope/text-lesion` result file, version 1. */
export type TextLesionResultFile = z.output<typeof textLesionResultSchema>;
