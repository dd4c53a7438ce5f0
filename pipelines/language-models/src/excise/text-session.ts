import * as tf from '@tensorflow/tfjs';
import { transformerView, type Network } from '@modscope/core';
import { disposeWeights, forwardNetwork, uploadWeights } from '@modscope/tfjs-runtime';

/** Units silenced in a forward pass: per MLP activation or attention layer, the unit indices (neurons or heads). */
export type UnitSilence = ReadonlyMap<string, readonly number[]>;

/** Token sequences scored from a position on: the tokens at `from…end` are predicted from those before them. */
export interface ScoredSequence {
  tokens: Int32Array;
  /** First position whose token is scored (≥ 1). */
  from: number;
}

/** Next-token loss (nats per token) and top-1 accuracy over the scored positions. */
interface SequenceLoss {
  loss: number;
  accuracy: number;
  positions: number;
}

/**
 * A language model's weights on the tfjs backend for repeated scoring: mean next-token loss over scored
 * positions with units silenced by masks (zero ablation of neurons or heads, method §9), and the mean
 * |activation| of every unit (the selective-pruning score of Pochinkov & Schoots). Select the backend first.
 */
export interface TextSession {
  network: Network;
  loss(sequences: readonly ScoredSequence[], silence?: UnitSilence): SequenceLoss;
  meanAbsoluteActivations(sequences: readonly ScoredSequence[], layers: readonly string[]): Map<string, Float64Array>;
  dispose(): void;
}

/** Sequences of the same length in one batch: batches of at most `size`, grouped by length. */
function batches(sequences: readonly ScoredSequence[], size: number): ScoredSequence[][] {
  const byLength = new Map<number, ScoredSequence[]>();
  for (const s of sequences) byLength.set(s.tokens.length, [...(byLength.get(s.tokens.length) ?? []), s]);
  const out: ScoredSequence[][] = [];
  for (const group of byLength.values()) for (let i = 0; i < group.length; i += size) out.push(group.slice(i, i + size));
  return out;
}

export function createTextSession(network: Network, batchSize = 32): TextSession {
  const view = transformerView(network);
  const weights = uploadWeights(network);
  const vocabulary = view.unembedding.units;
  const channelsOf = new Map<string, number>();
  for (const b of view.blocks) {
    channelsOf.set(b.activation.id, 1);
    channelsOf.set(b.attention.id, b.attention.headSize);
  }
  const unitsOf = new Map<string, number>();
  for (const b of view.blocks) {
    unitsOf.set(b.activation.id, b.mlpIn.units);
    unitsOf.set(b.attention.id, b.attention.heads);
  }
  const masksFor = (silence: UnitSilence | undefined): Map<string, tf.Tensor> => {
    const masks = new Map<string, tf.Tensor>();
    for (const [layer, units] of silence ?? []) {
      if (units.length === 0) continue;
      const channels = channelsOf.get(layer)!;
      const mask = new Float32Array(unitsOf.get(layer)! * channels).fill(1);
      for (const u of units) mask.fill(0, u * channels, (u + 1) * channels);
      masks.set(layer, tf.tensor1d(mask));
    }
    return masks;
  };
  /** Inputs (all tokens but the last) of a batch of equal-length sequences. */
  const inputsOf = (batch: readonly ScoredSequence[]) => {
    const length = batch[0]!.tokens.length - 1;
    const ids = new Int32Array(batch.length * length);
    batch.forEach((s, i) => {
      ids.set(s.tokens.subarray(0, length), i * length);
    });
    return { ids, length };
  };
  return {
    network,
    loss(sequences, silence) {
      const masks = masksFor(silence);
      let loss = 0;
      let correct = 0;
      let positions = 0;
      try {
        for (const batch of batches(sequences, batchSize)) {
          const { ids, length } = inputsOf(batch);
          const rows: number[] = [];
          const targets: number[] = [];
          batch.forEach((s, i) => {
            for (let p = Math.max(1, s.from); p <= length; p++) {
              rows.push(i * length + p - 1);
              targets.push(s.tokens[p]!);
            }
          });
          if (rows.length === 0) continue;
          const [l, c] = tf.tidy(() => {
            const logits = forwardNetwork(network, weights, tf.tensor2d(ids, [batch.length, length], 'int32'), batch.length, {
              masks,
            }).get(network.output)!;
            const picked = tf.gather(tf.reshape(logits, [-1, vocabulary]), Int32Array.from(rows)) as tf.Tensor2D;
            const y = tf.tensor1d(Int32Array.from(targets), 'int32');
            const nll = tf.neg(tf.sum(tf.mul(tf.oneHot(y, vocabulary), tf.logSoftmax(picked))));
            const hits = tf.sum(tf.cast(tf.equal(tf.argMax(picked, 1), y), 'float32'));
            return [nll.dataSync()[0]!, hits.dataSync()[0]!];
          });
          loss += l;
          correct += c;
          positions += rows.length;
        }
      } finally {
        tf.dispose([...masks.values()]);
      }
      return { loss: positions > 0 ? loss / positions : Number.NaN, accuracy: positions > 0 ? correct / positions : Number.NaN, positions };
    },
    meanAbsoluteActivations(sequences, layers) {
      const sums = new Map(layers.map((l) => [l, new Float64Array(unitsOf.get(l)!)]));
      let positions = 0;
      for (const batch of batches(sequences, batchSize)) {
        const { ids, length } = inputsOf(batch);
        const values = tf.tidy(() => {
          const out = forwardNetwork(network, weights, tf.tensor2d(ids, [batch.length, length], 'int32'), batch.length, {
            outputs: layers,
          });
          return layers.map((l) => {
            const channels = channelsOf.get(l)!;
            const a = tf.abs(out.get(l)!);
            const perUnit = tf.reshape(a, [-1, unitsOf.get(l)!, channels]);
            return tf.sum(tf.mean(perUnit, 2), 0).dataSync() as Float32Array;
          });
        });
        layers.forEach((l, i) => {
          const s = sums.get(l)!;
          for (let u = 0; u < s.length; u++) s[u]! += values[i]![u]!;
        });
        positions += batch.length * length;
      }
      for (const s of sums.values()) for (let u = 0; u < s.length; u++) s[u]! /= Math.max(1, positions);
      return sums;
    },
    dispose() {
      disposeWeights(weights);
    },
  };
}

/** The loss of a network on scored sequences, its weights uploaded for this one call. */
export function sequenceLoss(network: Network, sequences: readonly ScoredSequence[]): number {
  const session = createTextSession(network);
  try {
    return session.loss(sequences).loss;
  } finally {
    session.dispose();
  }
}
