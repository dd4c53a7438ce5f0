import { InvalidArgumentError } from '@modscope/core';

export interface PruneOptions {
  /** (number in [0, 1), default 0.9) — the fraction of each layer's kernel zeroed at the end. */
  sparsity?: number;
  /** (number in [0, sparsity], default 0.5) — the sparsity of the first pruning step. */
  from?: number;
  /** (number ≥ 0, default 0) — epoch (may be fractional) at whose start pruning begins. */
  startEpoch?: number;
  /**
   * (number > startEpoch, default the last epoch: `epochs − 1`, or `epochs` for one epoch) — epoch at
   * whose start the final sparsity is reached; the rest of training keeps the masks.
   */
  endEpoch?: number;
  /** (number, default 3) — exponent of the polynomial schedule. */
  power?: number;
  /** (number, default 100) — steps between pruning updates. */
  frequency?: number;
  /** (string[], default none) — ids of dense/conv layers to leave unpruned. */
  skip?: readonly string[];
}

const pkg = '@modscope/train';

/** The defaults of `PruneOptions` except the epochs, which depend on the run. */
export const PRUNE_DEFAULTS = { sparsity: 0.9, from: 0.5, power: 3, frequency: 100 } as const;

export function checkPruneOptions(options: PruneOptions): void {
  const sparsity = options.sparsity ?? PRUNE_DEFAULTS.sparsity;
  const from = options.from ?? Math.min(PRUNE_DEFAULTS.from, sparsity);
  if (!(sparsity >= 0 && sparsity < 1)) {
    throw new InvalidArgumentError({
      argument: 'prune.sparsity',
      message: `${pkg}: pruning sparsity ${sparsity} is outside [0, 1).`,
      hint: 'Give the fraction of weights to remove per layer, e.g. 0.9; 1 would remove every weight.',
    });
  }
  if (!(from >= 0 && from <= sparsity)) {
    throw new InvalidArgumentError({
      argument: 'prune.from',
      message: `${pkg}: pruning starts at sparsity ${from}, which is not in [0, ${sparsity}].`,
      hint: 'The schedule rises from `from` to `sparsity`.',
    });
  }
  const power = options.power ?? PRUNE_DEFAULTS.power;
  if (!(power > 0) || !Number.isFinite(power))
    throw new InvalidArgumentError({ argument: 'prune.power', message: `${pkg}: pruning power must be a positive number, got ${power}.` });
  const frequency = options.frequency ?? PRUNE_DEFAULTS.frequency;
  if (!Number.isInteger(frequency) || frequency < 1)
    throw new InvalidArgumentError({
      argument: 'prune.frequency',
      message: `${pkg}: pruning frequency must be a positive integer (steps), got ${frequency}.`,
    });
  if (options.startEpoch !== undefined && !(options.startEpoch >= 0)) {
    throw new InvalidArgumentError({
      argument: 'prune.startEpoch',
      message: `${pkg}: prune.startEpoch must be ≥ 0, got ${options.startEpoch}.`,
    });
  }
  if (options.endEpoch !== undefined && !(options.endEpoch > (options.startEpoch ?? 0))) {
    throw new InvalidArgumentError({
      argument: 'prune.endEpoch',
      message: `${pkg}: prune.endEpoch (${options.endEpoch}) must come after startEpoch (${options.startEpoch ?? 0}).`,
    });
  }
}

/**
 * The polynomial sparsity schedule (Zhu & Gupta, as in the method §1): `to + (from − to)·(1 − p)^power`
 * with p the progress from `startStep` to `endStep`; `from` before, `to` after.
 */
export function polynomialSparsity(
  step: number,
  schedule: { from: number; to: number; startStep: number; endStep: number; power: number },
): number {
  const { from, to, startStep, endStep, power } = schedule;
  if (step >= endStep) return to;
  const p = Math.max(0, (step - startStep) / (endStep - startStep));
  return to + (from - to) * (1 - p) ** power;
}

/**
 * A 0/1 mask zeroing the fraction `sparsity` of `kernel` (exactly `round(sparsity · n)` entries) with the
 * smallest |w|. Entries already zero in `held` come first, so pruned weights stay pruned and a held mask
 * is never undone (the count then is at least the held zeros). Ties are broken by position.
 */
export function magnitudeMask(kernel: Float32Array, sparsity: number, held?: Float32Array): Float32Array {
  const n = kernel.length;
  let forced = 0;
  if (held) for (let i = 0; i < n; i++) if (held[i] === 0) forced++;
  const drop = Math.max(Math.round(sparsity * n), forced);
  const mask = new Float32Array(n).fill(1);
  if (drop === 0) return mask;
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = held && held[i] === 0 ? -1 : Math.abs(kernel[i]!);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => key[a]! - key[b]! || a - b);
  for (let i = 0; i < drop; i++) mask[order[i]!] = 0;
  return mask;
}
