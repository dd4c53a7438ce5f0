import { InvalidArgumentError, createRandom, inputLayer, inputSize, type ActivationPoint, type Network } from '@modscope/core';
import type { AscentSettings } from './gradient-ascent.js';

/** Options of the gradient ascent, shared by `visualizeFeatures` and `featureVisualizationTest`. */
export interface AscentOptions {
  /** Read the units before or after their activation function (default `post`). */
  point?: ActivationPoint;
  /** Adam steps (default 256). */
  steps?: number;
  /** Adam learning rate (default 0.05). */
  learningRate?: number;
  /** Weight of the penalty `l2 · ‖x‖²` on the input (default 1e-3). */
  l2?: number;
  /** Seed of the start noise and of the random unit sets (default 0). */
  seed?: number;
  /**
   * Clip range of every input value after each step; default `[0, 1]` when the network input is an
   * image (channels × height × width), else `null` (no clipping).
   */
  inputRange?: readonly [number, number] | null;
  /** Start from seeded noise around the middle of the input range (default) or from zeros. */
  start?: 'noise' | 'zeros';
}

/** The options used when none are given; `inputRange` depends on the network (see `AscentOptions`). */
export const FEATURE_VIZ_DEFAULTS = {
  point: 'post',
  steps: 256,
  learningRate: 0.05,
  l2: 1e-3,
  seed: 0,
  start: 'noise',
} as const satisfies AscentOptions;

/** Standard deviation of the start noise, as a fraction of the input range (or absolute without one). */
const noiseScale = 0.1;

function invalid(argument: string, message: string, hint: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message: `@modscope/feature-viz: ${message}`, hint });
}

export interface ResolvedAscentOptions {
  point: ActivationPoint;
  seed: number;
  settings: AscentSettings;
}

/** Options merged with the defaults and checked, and the start image drawn from the seed. */
export function resolveAscentOptions(network: Network, options: AscentOptions): ResolvedAscentOptions {
  const { point, steps, learningRate, l2, seed, start } = { ...FEATURE_VIZ_DEFAULTS, ...stripUndefined(options) };
  if (point !== 'pre' && point !== 'post')
    throw invalid('point', `point must be 'pre' or 'post', got '${String(point)}'.`, "Use 'post' (after the activation) or 'pre'.");
  if (!Number.isInteger(steps) || steps < 0) throw invalid('steps', `steps must be an integer ≥ 0, got ${steps}.`, 'Use e.g. 256.');
  if (!(Number.isFinite(learningRate) && learningRate > 0))
    throw invalid('learningRate', `learningRate must be a finite number > 0, got ${learningRate}.`, 'Use e.g. 0.05.');
  if (!(Number.isFinite(l2) && l2 >= 0))
    throw invalid('l2', `l2 must be a finite number ≥ 0, got ${l2}.`, 'Use e.g. 1e-3, or 0 for no penalty.');
  if (!Number.isFinite(seed)) throw invalid('seed', `seed must be a finite number, got ${seed}.`, 'Use an integer.');
  if (start !== 'noise' && start !== 'zeros')
    throw invalid('start', `start must be 'noise' or 'zeros', got '${String(start)}'.`, "Use 'noise' or 'zeros'.");
  const image = inputLayer(network).outputShape.length === 3;
  const inputRange = options.inputRange === undefined ? (image ? ([0, 1] as const) : null) : options.inputRange;
  if (inputRange !== null) {
    const [lo, hi] = inputRange;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw invalid(
        'inputRange',
        `inputRange must be [lo, hi] with finite lo < hi, got [${inputRange.join(', ')}].`,
        'Use e.g. [0, 1], or null for no clipping.',
      );
    }
  }
  const size = inputSize(network);
  const first = new Float32Array(size);
  if (start === 'noise') {
    const rng = createRandom(seed);
    const [lo, hi] = inputRange ?? [0, 0];
    const scale = inputRange ? noiseScale * (hi - lo) : noiseScale;
    for (let i = 0; i < size; i++)
      first[i] = Math.min(Math.max((lo + hi) / 2 + scale * rng.normal(), inputRange ? lo : -Infinity), inputRange ? hi : Infinity);
  } else if (inputRange) {
    for (let i = 0; i < size; i++) first[i] = Math.min(Math.max(0, inputRange[0]), inputRange[1]);
  }
  return { point, seed, settings: { steps, learningRate, l2, inputRange, start: first } };
}

/** `options` over `base`, keys whose value is undefined left out (so they do not override). */
export function withAscentDefaults<T extends AscentOptions>(base: AscentOptions, options: T): T {
  return { ...stripUndefined(base), ...stripUndefined(options) } as T;
}

/** Drops keys whose value is undefined, so they do not override the defaults. */
function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
