/** What `createFlatOptimizer` updates: every trained parameter of a model laid end to end in one array. */
export interface FlatOptimizerOptions {
  /** (`'adam' | 'sgd'`) — Adam with bias correction, or SGD with optional momentum. */
  name: 'adam' | 'sgd';
  /** Parameters in the arrays. */
  size: number;
  /** (number, default 0) — SGD momentum. */
  momentum?: number;
  /** (number, default 0.9) — Adam β1. */
  beta1?: number;
  /** (number, default 0.999) — Adam β2. */
  beta2?: number;
  /** (number, default 1e-8) — Adam ε. */
  epsilon?: number;
  /** (number, default 0) — decoupled weight decay: w ← w·(1 − lr·decay) before the step, on the `decayed` ranges. */
  weightDecay?: number;
  /** ([from, to) ranges, default none) — the parameters weight decay applies to. */
  decayed?: readonly (readonly [number, number])[];
  /** (0/1 per parameter, default none) — parameters held at zero: multiplied by the mask after the step. */
  mask?: Float32Array | null;
}

/** An optimizer over one flat float32 array of parameters and its gradient. */
export interface FlatOptimizer {
  /** One step of `weights` in place from the batch's `gradient` times `scale` (the clipping factor). */
  update(weights: Float32Array, gradient: Float32Array, learningRate: number, scale: number): void;
}

/**
 * AdamW or SGD in one pass over a flat array (float64 arithmetic, float32 state): the update the tfjs
 * optimizer of `createOptimizer` makes variable by variable in about thirteen ops each, which on a small
 * language model cost more in dispatch than in arithmetic. Same order as there: decay, then the step,
 * then the mask.
 */
export function createFlatOptimizer(options: FlatOptimizerOptions): FlatOptimizer {
  const { size, name } = options;
  const momentum = options.momentum ?? 0;
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  const eps = options.epsilon ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0;
  const decay = new Uint8Array(size);
  for (const [from, to] of options.decayed ?? []) decay.fill(1, from, to);
  const mask = options.mask ?? null;
  const first = name === 'adam' || momentum > 0 ? new Float32Array(size) : null;
  const second = name === 'adam' ? new Float32Array(size) : null;
  let t = 0;
  return {
    update(weights, gradient, learningRate, scale) {
      t++;
      const shrink = 1 - learningRate * weightDecay;
      const step = name === 'adam' ? (learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t) : learningRate;
      for (let i = 0; i < size; i++) {
        const g = gradient[i]! * scale;
        let w = decay[i] === 1 ? weights[i]! * shrink : weights[i]!;
        if (second) {
          const m = first![i]! * b1 + g * (1 - b1);
          const s = second[i]! * b2 + g * g * (1 - b2);
          first![i] = m;
          second[i] = s;
          w -= (m / (Math.sqrt(s) + eps)) * step;
        } else if (first) {
          const m = first[i]! * momentum + g;
          first[i] = m;
          w -= m * step;
        } else {
          w -= g * step;
        }
        weights[i] = mask ? w * mask[i]! : w;
      }
    },
  };
}
