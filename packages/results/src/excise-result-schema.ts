import { z } from 'zod';
import { EXCISE_RESULT_KIND, EXCISE_RESULT_VERSION } from './result-kinds.js';
import { count, header, statistic, timing } from './schema-parts.js';

const curve = (what: string) =>
  z
    .array(z.object({ step: z.number(), forget: z.number(), retain: z.number() }))
    .min(1, { error: 'is empty, expected at least one point' })
    .describe(`${what}: the forget metric and the retain accuracy every few fine-tuning steps, from step 0.`);

const recoveryStats = z
  .object({
    stepsToHalf: z.number().nullable().describe('Steps until the forget metric regained half of what pruning removed; null: never.'),
    forgetArea: statistic().describe('Mean forget metric over the curve.'),
    finalForget: statistic(),
    finalRetain: statistic(),
  })
  .describe('Summary of the curve.');

const attack = z
  .object({
    triggered: z.number().describe('Share of triggered inputs (true class ≠ target) predicted as the target: the raw attack success rate.'),
    clean: z.number().describe('Share of the same inputs without the trigger predicted as the target.'),
  })
  .optional()
  .describe('With a trigger: the raw rates; the forget metric (trigger-specific attack success) is triggered − clean.');

const figures = (what: string) => z.object({ forget: z.number(), retain: z.number(), attack }).describe(what);

const excisionMethod = z.enum(['module', 'random', 'magnitude', 'selective', 'none']);

const method = z.object({
  name: z.string().describe('What the method is called in tables, e.g. module pruning.'),
  method: excisionMethod.optional(),
  baseline: z.boolean().optional().describe('A baseline (random units, no pruning, …) rather than the method under test; absent: false.'),
  units: count(0).optional().describe('Units pruned.'),
  selection: z.array(z.object({ layer: z.string(), units: z.array(count(0)) })).optional(),
  forget: statistic().optional().describe('Forget metric right after pruning, before fine-tuning.'),
  retain: statistic().optional().describe('Retain accuracy right after pruning, before fine-tuning.'),
  curve: curve('Fine-tuning on retain data'),
  stats: recoveryStats.optional(),
  weightDistance: statistic().optional().describe('L2 distance of the fine-tuned weights from the original network’s.'),
});

const module = z.object({
  layer: z.string(),
  cluster: count(0),
  size: count(0),
  forget: z.number(),
  retain: z.number(),
  score: z.number().describe('Forget drop − retain drop when lesioned: high = the module carries the capability and little else.'),
});

/**
 * `modscope excise --json FILE`: recovery of a capability after pruning the modules behind it (method §6).
 * Only `model` and `methods` (each a name and a curve) are required: the minimal form a report can draw.
 */
export const exciseResultSchema = z
  .object({
    ...header(EXCISE_RESULT_KIND, EXCISE_RESULT_VERSION),
    model: z.string(),
    dataset: z.string().optional(),
    forget: z.string().optional().describe('The capability removed (the forget set), in words.'),
    forgetMetric: z
      .string()
      .optional()
      .describe(
        'The forget metric: accuracy on the forgotten classes, or, for a trigger, the trigger-specific attack success rate (triggered inputs predicted as the target minus the same inputs without the trigger predicted as the target).',
      ),
    retain: z.string().optional().describe('The retain set, in words.'),
    retainMetric: z.string().optional(),
    examples: z
      .object({ forget: count(0), retain: count(0), retainTraining: count(0), forgetTraining: count(0) })
      .optional()
      .describe('Examples in the forget and retain sets, and in their training-split counterparts.'),
    partition: z.object({ source: z.string(), k: count(1) }).optional(),
    mask: z
      .enum(['held', 'released'])
      .optional()
      .describe(
        'Pruned weights held at zero while fine-tuning, or released: re-initialized (the layer initializer × 0.1) and trained freely.',
      ),
    steps: count(0).optional().describe('Retain fine-tuning steps.'),
    evaluateEvery: count(0).optional().describe('Steps between points of the curves.'),
    seed: z.number().optional(),
    intact: figures('The network before pruning.').optional(),
    modules: z.array(module).optional().describe('Every scored sub-cluster, best first.'),
    chosen: z
      .array(z.object({ layer: z.string(), cluster: count(0), size: count(0), score: z.number() }))
      .optional()
      .describe('The modules module pruning removed.'),
    methods: z.array(method).min(1, { error: 'is empty, expected at least one method' }).describe('Each excision method and baseline.'),
    floor: z
      .object({
        forget: z.number(),
        retain: z.number().optional(),
        attack,
        epochs: count(1).optional(),
        training: z
          .enum(['epochs', 'recipe', 'matched'])
          .optional()
          .describe(
            "How it was trained: the epochs asked for, the model's own recipe (its train.json), or until its retain accuracy matched the intact model's.",
          ),
        recipe: z.string().optional().describe('The train.json the recipe came from.'),
        retainGap: z.number().optional().describe("The intact model's retain accuracy minus the floor's."),
        comparable: z
          .boolean()
          .optional()
          .describe(
            "False when the floor's retain accuracy sits more than 1 point below the intact model's: it is then no floor (method §6.5).",
          ),
      })
      .nullable()
      .optional()
      .describe('The never-trained model (same architecture, trained on retain data only); null: not run.'),
    relearning: z
      .array(
        z.object({
          model: z
            .enum([...excisionMethod.options, 'never-trained'])
            .describe(
              "Attacked: a method's network after its retain fine-tuning (module, random, magnitude, selective, none), or the never-trained one.",
            ),
          examples: count(1).describe('Forget examples fine-tuned on.'),
          retainExamples: count(0).optional().describe('Retain examples mixed in with them.'),
          steps: count(0).optional(),
          curve: curve('The attack'),
          stats: recoveryStats.optional(),
          retainDrop: statistic().optional().describe('Retain accuracy at the start of the attack minus at its end.'),
          degenerate: z
            .boolean()
            .optional()
            .describe('The retain accuracy fell by more than 10 points: the network collapsed rather than relearned (method §6.7).'),
        }),
      )
      .optional()
      .describe(
        'The relearning attack (method §6.7): fine-tuning for a fixed number of steps on a few forget examples mixed into retain data (by default 9 retain examples per forget one), measured on the held-out forget set; one run per number of examples and start (each method run, by default, and the never-trained floor), the same examples for every start.',
      ),
    timings: z.record(z.string(), timing()).optional().describe('Seconds per stage.'),
  })
  .meta({
    title: 'modscope excise result',
    description:
      "What 'modscope excise MODEL --data DATA --forget SPEC --json FILE' writes: for each excision method and baseline, the forget metric and retain accuracy right after pruning and along retain-only fine-tuning, the never-trained floor and the relearning attack. modscope writes every field; readers need only model and methods. Numbers that are not finite are written as null.",
  });

/** A `modscope/excise` result file, version 2. */
export type ExciseResultFile = z.output<typeof exciseResultSchema>;
