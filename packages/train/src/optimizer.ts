import * as tf from '@tensorflow/tfjs';

export interface OptimizerOptions {
  /** (`'adam' | 'sgd'`, default `'adam'`). */
  name?: 'adam' | 'sgd';
  /** (number, default 0.001 for Adam, 0.01 for SGD) — the base learning rate. */
  learningRate?: number;
  /** (`'constant' | 'cosine'`, default `'constant'`) — cosine decays the rate to 0 over the run. */
  schedule?: 'constant' | 'cosine';
  /** (number, default 0) — SGD momentum. */
  momentum?: number;
  /** (number, default 0.9) — Adam β1. */
  beta1?: number;
  /** (number, default 0.999) — Adam β2. */
  beta2?: number;
  /** (number, default 1e-7) — Adam ε. */
  epsilon?: number;
}

export interface Optimizer {
  /** Applies one update with these gradients at this learning rate. */
  apply(grads: ReadonlyMap<tf.Variable, tf.Tensor>, learningRate: number): void;
  dispose(): void;
}

/** The learning rate at step `t` of `total`. */
export function learningRateAt(base: number, schedule: 'constant' | 'cosine', t: number, total: number): number {
  if (schedule === 'constant' || total <= 0) return base;
  return 0.5 * base * (1 + Math.cos((Math.PI * Math.min(t, total)) / total));
}

/**
 * Adam (with bias correction) or SGD with optional momentum, written out in tfjs ops so every update is
 * visible and deterministic, and the learning rate can change per step.
 */
export function createOptimizer(options: Required<Pick<OptimizerOptions, 'name'>> & OptimizerOptions): Optimizer {
  const slots = new Map<tf.Variable, tf.Variable[]>();
  const slotFor = (v: tf.Variable, count: number): tf.Variable[] => {
    let s = slots.get(v);
    if (!s) {
      s = Array.from({ length: count }, () => tf.variable(tf.zerosLike(v), false));
      slots.set(v, s);
    }
    return s;
  };
  let t = 0;
  if (options.name === 'sgd') {
    const momentum = options.momentum ?? 0;
    return {
      apply(grads, lr) {
        tf.tidy(() => {
          for (const [v, g] of grads) {
            if (momentum > 0) {
              const [m] = slotFor(v, 1) as [tf.Variable];
              m.assign(tf.add(tf.mul(m, momentum), g));
              v.assign(tf.sub(v, tf.mul(m, lr)));
            } else {
              v.assign(tf.sub(v, tf.mul(g, lr)));
            }
          }
        });
      },
      dispose() {
        for (const s of slots.values()) tf.dispose(s);
      },
    };
  }
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  const eps = options.epsilon ?? 1e-7;
  return {
    apply(grads, lr) {
      t++;
      const step = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      tf.tidy(() => {
        for (const [v, g] of grads) {
          const [m, s] = slotFor(v, 2) as [tf.Variable, tf.Variable];
          m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
          s.assign(tf.add(tf.mul(s, b2), tf.mul(tf.square(g), 1 - b2)));
          v.assign(tf.sub(v, tf.mul(tf.div(m, tf.add(tf.sqrt(s), eps)), step)));
        }
      });
    },
    dispose() {
      for (const s of slots.values()) tf.dispose(s);
    },
  };
}
