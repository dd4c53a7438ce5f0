import { trainingKernels } from '@modscope/linalg';
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
  /** (boolean, default true) — Adam through linalg's SIMD kernel where available (the same bits as this loop). */
  kernel?: boolean;
}

/** The WebAssembly memory constructor (the project's TypeScript libs do not declare it). */
const wasmMemory = (globalThis as { WebAssembly?: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly
  ?.Memory;

/**
 * Adam by `@modscope/linalg`'s `adamUpdate` on a memory of its own holding weights, gradient, both moments,
 * the decay flags and the mask (float32 each); null without WebAssembly SIMD. Weights and gradient are
 * copied in, the weights back out.
 */
function adamKernel(size: number, decay: Uint8Array, mask: Float32Array | null) {
  if (!wasmMemory) return null;
  const bytes = 6 * 4 * size + 64;
  const memory = new wasmMemory({ initial: Math.ceil(bytes / 65536) });
  const k = trainingKernels(memory);
  if (!k) return null;
  const [w, g, m, s, d, h] = [0, 1, 2, 3, 4, 5].map((i) => i * 4 * size);
  const view = (at: number) => new Float32Array(memory.buffer, at, size);
  view(d!).set(decay);
  if (mask) view(h!).set(mask);
  return (weights: Float32Array, gradient: Float32Array, scale: number, [b1, c1, b2, c2, eps, step, shrink]: number[]) => {
    view(w!).set(weights);
    view(g!).set(gradient);
    k.adamUpdate(w!, g!, m!, s!, d!, mask ? h! : 0, size, scale, b1!, c1!, b2!, c2!, eps!, step!, shrink!);
    weights.set(view(w!));
  };
}

/** An optimizer over one flat float32 array of parameters and its gradient. */
export interface FlatOptimizer {
  /** One step of `weights` in place from the batch's `gradient` times `scale` (the clipping factor). */
  update(weights: Float32Array, gradient: Float32Array, learningRate: number, scale: number): void;
}

/**
 * AdamW or SGD in one pass over a flat array (float64 arithmetic, float32 state; Adam in a WebAssembly SIMD
 * kernel where available, with the same bits): the update the tfjs
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
  const kernel = name === 'adam' && options.kernel !== false ? adamKernel(size, decay, mask) : null;
  const first = (name === 'adam' || momentum > 0) && !kernel ? new Float32Array(size) : null;
  const second = name === 'adam' && !kernel ? new Float32Array(size) : null;
  let t = 0;
  if (kernel) {
    return {
      update(weights, gradient, learningRate, scale) {
        t++;
        const step = (learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
        kernel(weights, gradient, scale, [b1, 1 - b1, b2, 1 - b2, eps, step, 1 - learningRate * weightDecay]);
      },
    };
  }
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
