import { InvalidArgumentError, ShapeMismatchError } from '@modscope/core';

/**
 * A language model seen from outside: for each token sequence of a batch, the logits of the token that
 * follows it (one value per vocabulary entry). Sequences in a batch may differ in length; they are views
 * of the decoder's buffers, to be read during the call and not kept or changed.
 */
export type NextLogits = (sequences: readonly Int32Array[]) => Promise<readonly Float32Array[]>;

export interface GreedyContinueOptions {
  /**
   * The most tokens the model reads (its context); a longer prompt-plus-continuation is cut from the left,
   * so the model always sees the latest `context` tokens, as a sliding window (default: no limit).
   */
  context?: number;
  /** Sequences per `nextLogits` call (default 32). */
  batchSize?: number;
}

/** The defaults of `greedyContinue`. */
export const GREEDY_CONTINUE_DEFAULTS = Object.freeze({ batchSize: 32 });

const pkg = '@modscope/text';

/**
 * Continues every prompt by `tokens` tokens, each the highest logit's token (the first, on ties) given the
 * prompt and the tokens chosen so far. Returns the continuations alone, one `Int32Array` of `tokens` ids per
 * prompt, in prompt order. `nextLogits` is called `tokens` times per batch of prompts.
 */
export async function greedyContinue(
  nextLogits: NextLogits,
  prompts: readonly Int32Array[],
  tokens: number,
  options: GreedyContinueOptions = {},
): Promise<Int32Array[]> {
  const context = options.context ?? Number.POSITIVE_INFINITY;
  const batchSize = options.batchSize ?? GREEDY_CONTINUE_DEFAULTS.batchSize;
  if (!Number.isInteger(tokens) || tokens < 0) {
    throw new InvalidArgumentError({
      argument: 'tokens',
      message: `${pkg}: the number of tokens to generate must be a whole number ≥ 0, got ${tokens}.`,
      hint: 'Pass N, the length of each continuation in tokens.',
    });
  }
  if (context !== Number.POSITIVE_INFINITY && (!Number.isInteger(context) || context < 1)) {
    throw new InvalidArgumentError({
      argument: 'context',
      message: `${pkg}: the context must be a whole number of tokens ≥ 1, got ${context}.`,
      hint: "Pass the model's context length, or leave it out for no limit.",
    });
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError({
      argument: 'batchSize',
      message: `${pkg}: the batch size must be a whole number ≥ 1, got ${batchSize}.`,
      hint: `Leave it out for ${GREEDY_CONTINUE_DEFAULTS.batchSize} sequences per call.`,
    });
  }
  const empty = prompts.findIndex((p) => p.length === 0);
  if (empty >= 0) {
    throw new InvalidArgumentError({
      argument: 'prompts',
      message: `${pkg}: prompt ${empty} is empty; a model needs at least one token to continue from.`,
      hint: 'Start every prompt with at least one token (e.g. the beginning of a document).',
    });
  }
  const out: Int32Array[] = [];
  for (let first = 0; first < prompts.length; first += batchSize) {
    const batch = prompts.slice(first, first + batchSize);
    // Prompt and continuation in one buffer per sequence; `length` tokens of it are written.
    const sequences = batch.map((p) => {
      const s = new Int32Array(p.length + tokens);
      s.set(p);
      return s;
    });
    for (let step = 0; step < tokens; step++) {
      const views = sequences.map((s, i) => {
        const length = batch[i]!.length + step;
        return s.subarray(Math.max(0, length - context), length);
      });
      const logits = await nextLogits(views);
      if (logits.length !== views.length) {
        throw new ShapeMismatchError({
          what: 'next-token logits',
          expected: `one array per sequence (${views.length})`,
          actual: `${logits.length} arrays`,
          hint: 'Return the logits of the next token for every sequence of the batch, in order.',
        });
      }
      logits.forEach((row, i) => {
        if (row.length === 0) {
          throw new ShapeMismatchError({
            what: 'next-token logits',
            expected: 'one value per vocabulary entry',
            actual: `no values for sequence ${first + i}`,
          });
        }
        sequences[i]![batch[i]!.length + step] = argmax(row);
      });
    }
    sequences.forEach((s, i) => {
      out.push(s.slice(batch[i]!.length));
    });
  }
  return out;
}

/** Index of the highest value, the first on ties; NaN never wins. */
function argmax(values: Float32Array): number {
  let best = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let v = 0; v < values.length; v++) {
    if (values[v]! > max) {
      max = values[v]!;
      best = v;
    }
  }
  return best;
}
