/**
 * Turns text into token ids and back. `encode` gives one id per token, each in `[0, vocabSize)`;
 * `decode` is for showing contexts in reports (ids outside the vocabulary show as U+FFFD).
 */
export interface Tokenizer {
  /** `gpt2`, or `chars:<vocabulary file>` for a character vocabulary. */
  readonly name: string;
  /** Number of token ids; a model's embedding needs at least this many rows. */
  readonly vocabSize: number;
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}
