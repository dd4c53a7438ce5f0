/** Adam over parameters held as float32 arrays, updated in place. */
export interface Adam {
  /**
   * One step from `gradients` (same arrays and order as the parameters), first scaled so that their global L2
   * norm is at most `maxNorm` (`torch.nn.utils.clip_grad_norm_`: by maxNorm / (norm + 1e-6) when that is below 1).
   */
  step(gradients: readonly Float32Array[], learningRate: number, maxNorm: number): void;
}

/**
 * Adam as PyTorch's `torch.optim.Adam` computes it (CleanRL's optimizer, there with ε = 1e-5):
 * w ← w − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε), in float64 arithmetic with float32 state.
 */
export function createAdam(parameters: readonly Float32Array[], options: { beta1?: number; beta2?: number; epsilon?: number } = {}): Adam {
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  const eps = options.epsilon ?? 1e-8;
  const first = parameters.map((p) => new Float32Array(p.length));
  const second = parameters.map((p) => new Float32Array(p.length));
  let t = 0;
  return {
    step(gradients, learningRate, maxNorm) {
      t++;
      let squares = 0;
      for (const g of gradients) for (let i = 0; i < g.length; i++) squares += g[i]! * g[i]!;
      const norm = Math.sqrt(squares);
      const scale = Math.min(1, maxNorm / (norm + 1e-6));
      const stepSize = learningRate / (1 - b1 ** t);
      const root2 = Math.sqrt(1 - b2 ** t);
      parameters.forEach((w, k) => {
        const g = gradients[k]!;
        const m = first[k]!;
        const v = second[k]!;
        for (let i = 0; i < w.length; i++) {
          const gi = g[i]! * scale;
          const mi = b1 * m[i]! + (1 - b1) * gi;
          const vi = b2 * v[i]! + (1 - b2) * gi * gi;
          m[i] = mi;
          v[i] = vi;
          w[i] = w[i]! - (stepSize * mi) / (Math.sqrt(vi) / root2 + eps);
        }
      });
    },
  };
}
