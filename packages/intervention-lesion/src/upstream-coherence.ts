import { captureUnitActivations, InvalidArgumentError, type Evaluator, type LabelledExamples } from '@modscope/core';
import { empiricalP, fisherCombined, labelEntropy, type FisherCombined } from '@modscope/metrics';

/** A set of units of one layer to test, with the random same-size sets it is compared with. */
export interface UnitSetWithBaseline {
  layer: string;
  units: Int32Array;
  random: { units: Int32Array[] };
}

export interface UpstreamCoherenceOptions {
  /** Examples that activate a set most (default 10). */
  top?: number;
  /** Use at most this many examples, the first ones (default 5000). */
  limit?: number;
  batchSize?: number;
}

export interface UpstreamCoherence {
  layer: string;
  /** Indices (into the data) of the examples with the highest mean activation over the set, highest first. */
  topExamples: Int32Array;
  /** Entropy (nats) of the true labels of the top examples: low = the set prefers one class. */
  entropy: number;
  randomEntropy: Float64Array;
  /** Left-sided p against the random sets. */
  p: number;
}

export interface UpstreamCoherenceResult {
  sets: UpstreamCoherence[];
  fisher: FisherCombined | null;
  examples: number;
}

/** Indices of the `top` largest values, largest first (ties: lower index first). */
function topIndices(values: Float64Array, top: number): Int32Array {
  const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
  return Int32Array.from(order.slice(0, top));
}

/**
 * Upstream coherence (method §5): for each unit set, the examples that activate it most (mean
 * post-activation over its units) and the entropy of their labels, against random same-size sets of the
 * same layer. Sets whose preferred inputs share a class give low entropy and a small p.
 */
export async function upstreamCoherence(
  evaluator: Evaluator,
  data: LabelledExamples,
  sets: readonly UnitSetWithBaseline[],
  options: UpstreamCoherenceOptions = {},
): Promise<UpstreamCoherenceResult> {
  const top = options.top ?? 10;
  const count = Math.min(data.count, options.limit ?? 5000);
  if (!Number.isInteger(top) || top < 1 || top > count) {
    throw new InvalidArgumentError({
      argument: 'top',
      message: `@modscope/intervention-lesion: top must be a whole number in 1..${count} (the examples used), got ${top}.`,
      hint: 'Use the default of 10.',
    });
  }
  const layers = [...new Set(sets.map((s) => s.layer))];
  if (layers.length === 0) return { sets: [], fisher: null, examples: count };
  const per = data.inputs.length / data.count;
  const { activations } = await captureUnitActivations(evaluator, {
    inputs: data.inputs.subarray(0, count * per),
    count,
    layers,
    point: 'post',
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
  const byLayer = new Map(activations.map((a) => [a.layer, a]));
  const labels = data.labels.subarray(0, count);
  const entropyOf = (layer: string, units: Int32Array) => {
    const act = byLayer.get(layer)!;
    const score = new Float64Array(count);
    for (let e = 0; e < count; e++) {
      let sum = 0;
      for (const u of units) sum += act.data[e * act.units + u]!;
      score[e] = sum / units.length;
    }
    const best = topIndices(score, top);
    return {
      best,
      entropy: labelEntropy(
        Int32Array.from(best, (e) => labels[e]!),
        data.classes,
      ),
    };
  };
  const results = sets.map((set) => {
    const { best, entropy } = entropyOf(set.layer, set.units);
    const randomEntropy = Float64Array.from(set.random.units, (units) => entropyOf(set.layer, units).entropy);
    return { layer: set.layer, topExamples: best, entropy, randomEntropy, p: empiricalP(entropy, randomEntropy, 'left') };
  });
  return { sets: results, fisher: results.length ? fisherCombined(results.map((r) => r.p)) : null, examples: count };
}
