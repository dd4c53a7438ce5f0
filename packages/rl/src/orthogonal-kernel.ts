import type { Random } from '@modscope/core';

/**
 * A `[fanIn, fanOut]` dense kernel (row-major) that is `gain` times a random orthogonal matrix: orthonormal
 * columns when fanIn ≥ fanOut, orthonormal rows otherwise — what PyTorch's `orthogonal_` gives the transposed
 * `[out, in]` weight (CleanRL's `layer_init`). A standard normal matrix is orthonormalized by modified
 * Gram–Schmidt in float64 (the Q of its QR decomposition with a positive diagonal R, as PyTorch's sign fix makes it).
 */
export function orthogonalKernel(random: Random, fanIn: number, fanOut: number, gain: number): Float32Array {
  const rows = Math.max(fanIn, fanOut);
  const cols = Math.min(fanIn, fanOut);
  // column-major: column j is q[j * rows … (j + 1) * rows)
  const q = new Float64Array(rows * cols);
  for (let i = 0; i < q.length; i++) q[i] = random.normal();
  for (let j = 0; j < cols; j++) {
    const cj = j * rows;
    for (let k = 0; k < j; k++) {
      const ck = k * rows;
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += q[ck + i]! * q[cj + i]!;
      for (let i = 0; i < rows; i++) q[cj + i]! -= dot * q[ck + i]!;
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += q[cj + i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < rows; i++) q[cj + i]! /= norm;
  }
  const kernel = new Float32Array(fanIn * fanOut);
  for (let r = 0; r < fanIn; r++)
    for (let c = 0; c < fanOut; c++) {
      // fanIn ≥ fanOut: kernel = Q (rows = fanIn); otherwise kernel = Qᵀ (Q has fanOut rows)
      kernel[r * fanOut + c] = gain * (fanIn >= fanOut ? q[c * rows + r]! : q[r * rows + c]!);
    }
  return kernel;
}
