// AssemblyScript kernel for the transpose of a float32 matrix (the kernel gradient xᵀ·dy of a language
// model's dense layers), with SIMD: 4 × 4 blocks transposed in registers, within 32 × 32 tiles that stay
// in cache; edges element by element. Compiled to WebAssembly by `npm run build`
// (scripts/build-wasm.mjs) and inlined into the JS bundle. The caller lays out linear memory; pointers are
// byte offsets.

// @ts-nocheck — AssemblyScript, not TypeScript (excluded from tsc)

/** Start of free linear memory. */
export function heapBase(): usize {
  return __heap_base;
}

const TILE: i32 = 32;

/** dst[j][i] = src[i][j] for a rows × cols matrix src (row-major) into cols × rows dst. */
export function transpose(src: usize, dst: usize, rows: i32, cols: i32): void {
  const rows4 = rows & ~3;
  const cols4 = cols & ~3;
  const srcRow = <usize>cols << 2;
  const dstRow = <usize>rows << 2;
  for (let i0 = 0; i0 < rows4; i0 += TILE) {
    const i1 = min(rows4, i0 + TILE);
    for (let j0 = 0; j0 < cols4; j0 += TILE) {
      const j1 = min(cols4, j0 + TILE);
      for (let i = i0; i < i1; i += 4) {
        let s = src + <usize>i * srcRow + (<usize>j0 << 2);
        let d = dst + <usize>j0 * dstRow + (<usize>i << 2);
        for (let j = j0; j < j1; j += 4) {
          const r0 = v128.load(s);
          const r1 = v128.load(s + srcRow);
          const r2 = v128.load(s + 2 * srcRow);
          const r3 = v128.load(s + 3 * srcRow);
          const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5);
          const t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
          const t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
          const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
          v128.store(d, v128.shuffle<i64>(t0, t2, 0, 2));
          v128.store(d + dstRow, v128.shuffle<i64>(t0, t2, 1, 3));
          v128.store(d + 2 * dstRow, v128.shuffle<i64>(t1, t3, 0, 2));
          v128.store(d + 3 * dstRow, v128.shuffle<i64>(t1, t3, 1, 3));
          s += 16;
          d += 4 * dstRow;
        }
      }
    }
  }
  // the last rows % 4 rows and cols % 4 columns
  for (let i = 0; i < rows; i++) {
    const from = i < rows4 ? cols4 : 0;
    for (let j = from; j < cols; j++) store<f32>(dst + <usize>j * dstRow + (<usize>i << 2), load<f32>(src + <usize>i * srcRow + (<usize>j << 2)));
  }
}
