import { type Command, Option } from 'commander';
import { positiveInt } from './option-values.js';

/** Collects a repeatable option's values in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * What a command runs a model on: a dataset (`--data`, classifiers) or text (`--text`, language models),
 * with the split, and for text the tokenizer and the window stride.
 */
export function addExampleOptions(command: Command): Command {
  return command
    .option('--data <name|dir>', 'a classifier: fashion-mnist, mnist, two-task, or a directory of IDX files')
    .option('--text <spec>', 'a language model: name=file[,file…] (one domain; repeat for more) or a corpus.json', collect)
    .option(
      '--tokenizer <file|gpt2>',
      "a language model's tokenizer: a character vocabulary file or gpt2 (default: vocab.json beside the model)",
    )
    .option('--stride <n>', 'text: tokens from one window to the next (default: the context, no overlap)', positiveInt)
    .addOption(
      new Option('--split <split>', "which split (text: the last 10% of each domain's windows is test; all: both)")
        .choices(['train', 'test', 'all'])
        .default('test'),
    );
}
