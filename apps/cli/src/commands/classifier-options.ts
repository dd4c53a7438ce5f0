import { UsageError } from '../usage-error.js';
import type { TrainCommandOptions } from './train-command-options.js';

/** The language-model options a classifier cannot take, by flag. */
const GPT_ONLY = {
  blocks: '--blocks',
  width: '--width',
  heads: '--heads',
  context: '--context',
  neurons: '--neurons',
  steps: '--steps',
  weightDecay: '--weight-decay',
} as const;

/** Checks the command line of a classifier run (no --text, no gpt-only options, --data given); returns the data. */
export function checkClassifierOptions(options: TrainCommandOptions & Partial<Record<keyof typeof GPT_ONLY, unknown>>): string {
  if (options.text !== undefined)
    throw new UsageError({
      argument: '--text',
      message: '--text trains a language model.',
      hint: 'Add --arch gpt, or train a classifier on --data.',
    });
  for (const [key, flag] of Object.entries(GPT_ONLY)) {
    if (options[key as keyof typeof GPT_ONLY] !== undefined)
      throw new UsageError({
        argument: flag,
        message: `${flag} is an option of language models (--arch gpt).`,
        hint: `Leave ${flag} out, or add --arch gpt --text CORPUS.`,
      });
  }
  if (options.optimizer === 'adamw')
    throw new UsageError({
      argument: '--optimizer',
      message: 'adamw is the optimizer of language models (--arch gpt).',
      hint: 'Use --optimizer adam or sgd.',
    });
  if (options.data === undefined)
    throw new UsageError({
      argument: '--data',
      message: 'train needs --data (a classifier) or --arch gpt with --text (a language model).',
      hint: 'Add --data fashion-mnist, for example.',
    });
  return options.data;
}
