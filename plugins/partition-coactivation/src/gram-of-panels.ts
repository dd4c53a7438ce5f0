/** Examples per cache block: two panels of 4 columns × 256 float64 are 16 KiB, well inside L1. */
const EXAMPLE_BLOCK = 256;
/** Panels of the second operand per cache block: 16 × 8 KiB = 128 KiB, inside L2. */
const PANEL_BLOCK = 16;

/**
 * The Gram matrix `Z·Zᵀ` of `columns` packed columns (see `StandardizedColumns`), as a dense
 * `padded × padded` row-major Float64Array with `padded = ceil(columns / 4) · 4`. Only the upper
 * triangle of panels is computed: entry (i, j) is valid where `floor(i/4) ≤ floor(j/4)`, which
 * includes every i ≤ j.
 *
 * Cache-blocked over examples and over panels of the second operand, with a 4×4 register tile: each
 * step loads 4 + 4 values and does 16 multiply-adds into local accumulators (float64 throughout).
 */
export function gramOfPanels(packed: Float64Array, columns: number, examples: number): Float64Array {
  const panels = Math.ceil(columns / 4);
  const padded = panels * 4;
  const gram = new Float64Array(padded * padded);
  const stride = 4 * examples;
  for (let k0 = 0; k0 < examples; k0 += EXAMPLE_BLOCK) {
    const kLength = 4 * (Math.min(examples, k0 + EXAMPLE_BLOCK) - k0);
    for (let j0 = 0; j0 < panels; j0 += PANEL_BLOCK) {
      const j1 = Math.min(panels, j0 + PANEL_BLOCK);
      for (let pi = 0; pi < j1; pi++) {
        const a = pi * stride + 4 * k0;
        for (let pj = Math.max(j0, pi); pj < j1; pj++) {
          const b = pj * stride + 4 * k0;
          let c00 = 0,
            c01 = 0,
            c02 = 0,
            c03 = 0;
          let c10 = 0,
            c11 = 0,
            c12 = 0,
            c13 = 0;
          let c20 = 0,
            c21 = 0,
            c22 = 0,
            c23 = 0;
          let c30 = 0,
            c31 = 0,
            c32 = 0,
            c33 = 0;
          for (let t = 0; t < kLength; t += 4) {
            // one row of A at a time keeps 16 accumulators + 4 + 1 values live: fewer spills than loading all 8
            const b0 = packed[b + t]!,
              b1 = packed[b + t + 1]!,
              b2 = packed[b + t + 2]!,
              b3 = packed[b + t + 3]!;
            let x = packed[a + t]!;
            c00 += x * b0;
            c01 += x * b1;
            c02 += x * b2;
            c03 += x * b3;
            x = packed[a + t + 1]!;
            c10 += x * b0;
            c11 += x * b1;
            c12 += x * b2;
            c13 += x * b3;
            x = packed[a + t + 2]!;
            c20 += x * b0;
            c21 += x * b1;
            c22 += x * b2;
            c23 += x * b3;
            x = packed[a + t + 3]!;
            c30 += x * b0;
            c31 += x * b1;
            c32 += x * b2;
            c33 += x * b3;
          }
          let o = 4 * pi * padded + 4 * pj;
          gram[o]! += c00;
          gram[o + 1]! += c01;
          gram[o + 2]! += c02;
          gram[o + 3]! += c03;
          o += padded;
          gram[o]! += c10;
          gram[o + 1]! += c11;
          gram[o + 2]! += c12;
          gram[o + 3]! += c13;
          o += padded;
          gram[o]! += c20;
          gram[o + 1]! += c21;
          gram[o + 2]! += c22;
          gram[o + 3]! += c23;
          o += padded;
          gram[o]! += c30;
          gram[o + 1]! += c31;
          gram[o + 2]! += c32;
          gram[o + 3]! += c33;
        }
      }
    }
  }
  return gram;
}
