/** Shannon entropy in nats of a probability vector (0 · log 0 = 0). */
export function entropyOf(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
}

/**
 * Softmax of logits and its entropy, in double precision from the logits: confident outputs have
 * entropies far below float32's resolution of probabilities near 1, and these still get ranked.
 */
export function softmaxEntropy(logits: ArrayLike<number>): { softmax: Float32Array; entropy: number } {
  let top = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[top]!) top = i;
  const max = logits[top]!;
  // S = Σ exp(zᵢ − max) = 1 + rest; log S = log1p(rest) keeps tiny rests that 1 + rest would lose.
  let rest = 0;
  for (let i = 0; i < logits.length; i++) if (i !== top) rest += Math.exp(logits[i]! - max);
  const sum = 1 + rest;
  const softmax = new Float32Array(logits.length);
  // H = log S − Σ pᵢ (zᵢ − max).
  let weighted = 0;
  for (let i = 0; i < logits.length; i++) {
    const p = Math.exp(logits[i]! - max) / sum;
    softmax[i] = p;
    weighted += p * (logits[i]! - max);
  }
  return { softmax, entropy: Math.max(0, Math.log1p(rest) - weighted) };
}
