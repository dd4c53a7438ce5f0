import { InvalidArgumentError, type UnitActivations } from '@modscope/core';

/** How two units' activations are compared: rank correlation (Spearman) or linear correlation (Pearson). */
export type CoactivationMeasure = 'spearman' | 'pearson';

/** A unit of a layer: `unit` indexes the layer's units. */
export interface LayerUnit {
  layer: string;
  unit: number;
}

/**
 * Columns centred and scaled to unit length (so that dot products are correlations), packed in panels of
 * 4 columns for the Gram kernel: column c, example e sits at `(c >> 2) * 4 * examples + 4 * e + (c & 3)`.
 * The last panel is padded with zero columns.
 */
export interface StandardizedColumns {
  packed: Float64Array;
  /** Columns kept (units with some variance), in layer order then unit order. */
  columns: number;
  examples: number;
  kept: LayerUnit[];
  /** Units whose values are all equal (zero variance; for Spearman, all ranks tied). */
  dropped: LayerUnit[];
}

const name = '@modscope/partition-coactivation';

/**
 * Reads each unit's values across examples, turns them into average ranks (Spearman) or keeps them
 * (Pearson), centres and scales them to unit length and packs them for `gramOfPanels`. Units whose values
 * are all equal are dropped. Refuses non-finite values.
 */
export function standardizeColumns(activations: readonly UnitActivations[], measure: CoactivationMeasure): StandardizedColumns {
  const m = activations[0]!.count;
  const kept: LayerUnit[] = [];
  const dropped: LayerUnit[] = [];
  const total = activations.reduce((sum, a) => sum + a.units, 0);
  // packed for every unit first; the panels of the kept ones are compacted as we go
  const packed = new Float64Array(Math.ceil(total / 4) * 4 * m);
  const column = new Float64Array(m);
  const ranks = measure === 'spearman' ? createRanker(m) : undefined;
  for (const { layer, units, data } of activations) {
    for (let u = 0; u < units; u++) {
      let min = Infinity;
      let max = -Infinity;
      for (let e = 0, p = u; e < m; e++, p += units) {
        const v = data[p]!;
        if (!Number.isFinite(v))
          throw new InvalidArgumentError({
            argument: 'activations',
            message: `${name}: layer '${layer}' unit ${u} has the value ${v} on example ${e}; correlations need finite activations.`,
            hint: 'Check the inputs (prepareInputs scales them as the model expects) and the model for overflow; or leave that layer out.',
          });
        column[e] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (min === max) {
        dropped.push({ layer, unit: u });
        continue;
      }
      if (ranks) ranks(column);
      let mean = 0;
      for (let e = 0; e < m; e++) mean += column[e]!;
      mean /= m;
      let squares = 0;
      for (let e = 0; e < m; e++) {
        const d = column[e]! - mean;
        column[e] = d;
        squares += d * d;
      }
      const scale = 1 / Math.sqrt(squares);
      const c = kept.length;
      const base = (c >> 2) * 4 * m + (c & 3);
      for (let e = 0; e < m; e++) packed[base + 4 * e] = column[e]! * scale;
      kept.push({ layer, unit: u });
    }
  }
  const used = Math.ceil(kept.length / 4) * 4 * m;
  return { packed: used === packed.length ? packed : packed.slice(0, used), columns: kept.length, examples: m, kept, dropped };
}

/**
 * A function replacing a column's values by their average ranks (0-based; ties get the mean of their
 * positions). The values came from Float32 activations, so each maps to an order-preserving 32-bit key
 * (its IEEE bits, negatives reversed below positives, −0 made +0) and a stable 3-pass LSD radix sort
 * (11 bits a pass) orders the positions in O(examples) with no comparator.
 */
function createRanker(m: number): (column: Float64Array) => void {
  const buffers = [new Uint32Array(m), new Uint32Array(m), new Uint32Array(m), new Uint32Array(m)] as const;
  const counts = new Uint32Array(2048);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  return (column) => {
    let [keys, order, nextKeys, nextOrder] = buffers;
    for (let e = 0; e < m; e++) {
      f32[0] = column[e]! + 0; // −0 → +0, so both zeros tie
      const b = u32[0]!;
      keys[e] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
      order[e] = e;
    }
    for (let shift = 0; shift < 32; shift += 11) {
      counts.fill(0);
      for (let e = 0; e < m; e++) counts[(keys[e]! >>> shift) & 2047]!++;
      for (let d = 0, sum = 0; d < 2048; d++) {
        const c = counts[d]!;
        counts[d] = sum;
        sum += c;
      }
      for (let e = 0; e < m; e++) {
        const key = keys[e]!;
        const p = counts[(key >>> shift) & 2047]!++;
        nextKeys[p] = key;
        nextOrder[p] = order[e]!;
      }
      [keys, nextKeys] = [nextKeys, keys];
      [order, nextOrder] = [nextOrder, order];
    }
    for (let start = 0; start < m; ) {
      const key = keys[start]!;
      let end = start + 1;
      while (end < m && keys[end] === key) end++;
      const rank = (start + end - 1) / 2;
      for (let p = start; p < end; p++) column[order[p]!] = rank;
      start = end;
    }
  };
}
