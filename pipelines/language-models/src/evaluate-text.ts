import { outputSize, type Evaluator, type LoadedModel, type UnitMask, type WeightEdit } from '@modscope/core';
import { createNextTokenScorer, type NextTokenScore, type TextScore, type TokenWindows } from '@modscope/text';
import { loadTextData, type TextDataOptions, type TextSplit } from './text-data.js';

export interface ScoreWindowsOptions {
  /** Windows per inference call (default 32). */
  batchSize?: number;
  /** Unit masks and weight edits applied to every window (lesions). */
  masks?: readonly UnitMask[];
  edits?: readonly WeightEdit[];
  onProgress?: (done: number, total: number) => void;
}

/**
 * Next-token loss (nats per token) and top-1 accuracy of an evaluator's language model on token windows,
 * per domain and overall, scored batch by batch so the logits of all windows are never held at once.
 */
export async function scoreWindows(evaluator: Evaluator, windows: TokenWindows, options: ScoreWindowsOptions = {}): Promise<TextScore> {
  const vocab = outputSize(evaluator.network) / windows.context;
  const scorer = createNextTokenScorer(windows, vocab);
  const batch = Math.max(1, options.batchSize ?? 32);
  for (let first = 0; first < windows.count; first += batch) {
    const n = Math.min(batch, windows.count - first);
    const inputs = Float32Array.from(windows.tokens.subarray(first * windows.context, (first + n) * windows.context));
    const { logits } = await evaluator.run({
      inputs,
      count: n,
      batchSize: n,
      ...(options.masks ? { masks: options.masks } : {}),
      ...(options.edits ? { edits: options.edits } : {}),
    });
    scorer.add(logits, first);
    options.onProgress?.(first + n, windows.count);
  }
  return scorer.result();
}

export interface EvaluateTextOptions extends TextDataOptions, ScoreWindowsOptions {
  /** Run on a tfjs evaluator instead of the model's own engine (given by the caller, who owns it). */
  evaluator?: Evaluator;
}

/** What `modscope evaluate MODEL --text …` reports. */
export interface TextEvaluation {
  model: string;
  engine: string;
  tokenizer: string;
  split: TextSplit;
  /** Tokens per window (the model's context). */
  context: number;
  windows: number;
  overall: NextTokenScore;
  domains: Array<NextTokenScore & { name: string; windows: number }>;
  seconds: number;
}

/** `modscope evaluate` on text: a language model's loss and next-token accuracy per domain (method §9). */
export async function runEvaluateText(model: LoadedModel, options: EvaluateTextOptions): Promise<TextEvaluation> {
  const started = performance.now();
  const { tokenizer, windows, split } = await loadTextData(model.network, options);
  const evaluator = options.evaluator ?? (await model.createEvaluator());
  try {
    const score = await scoreWindows(evaluator, windows, options);
    const windowsOf = (d: number) => windows.domainOf.reduce((n, x) => n + (x === d ? 1 : 0), 0);
    return {
      model: model.network.name,
      engine: evaluator.name,
      tokenizer: tokenizer.name,
      split,
      context: windows.context,
      windows: windows.count,
      overall: score.overall,
      domains: score.domains.map((d, i) => ({ ...d, windows: windowsOf(i) })),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    if (!options.evaluator) await evaluator.dispose();
  }
}
