import { InvalidArgumentError } from '@modscope/core';
import type { Tokenizer } from './tokenizer.js';

/**
 * Throws unless the model's token embedding (`embeddingRows` rows, one per token id) can take every id the
 * tokenizer makes, and, when given, every id in `tokens`. More rows than tokens is fine (padded vocabularies).
 */
export function checkTokenizerFits(tokenizer: Pick<Tokenizer, 'name' | 'vocabSize'>, embeddingRows: number, tokens?: Int32Array): void {
  const hint = "Use the tokenizer the model was trained with (for a character-level model, its vocabulary file; 'gpt2' for GPT-2 BPE).";
  if (tokenizer.vocabSize > embeddingRows) {
    throw new InvalidArgumentError({
      argument: 'tokenizer',
      message: `@modscope/text: tokenizer '${tokenizer.name}' has ${tokenizer.vocabSize} tokens but the model's embedding has ${embeddingRows} rows.`,
      hint,
    });
  }
  if (!tokens) return;
  for (let i = 0; i < tokens.length; i++) {
    const id = tokens[i]!;
    if (id < 0 || id >= embeddingRows) {
      throw new InvalidArgumentError({
        argument: 'tokenizer',
        message: `@modscope/text: token ${i} has id ${id}, outside the model's embedding of ${embeddingRows} rows (tokenizer '${tokenizer.name}').`,
        hint,
      });
    }
  }
}
