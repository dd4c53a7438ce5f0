// AssemblyScript kernels for sparse matrix–vector products in "run" form, compiled to WebAssembly with
// SIMD by `npm run build` (scripts/build-wasm.mjs) and inlined into the JS bundle. A row's nonzeros are
// cut into runs of consecutive columns; run r covers columns runCol[r] … runCol[r] + len − 1 with values
// values[runStart[r] … runStart[r + 1] − 1]. A dense block (the weights between two layers of a network)
// is then one run per row, read with contiguous SIMD loads and no column indices. No allocator: the
// caller lays out linear memory. All pointers are byte offsets.

// @ts-nocheck — AssemblyScript, not TypeScript (excluded from tsc)

/** Start of free linear memory. */
export function heapBase(): usize {
  return __heap_base;
}

/** y[i] = Σ_j A[i, j]·x[j] for the `rows` rows of A (run form). */
export function gather(rows: i32, rowRuns: usize, runCol: usize, runStart: usize, values: usize, x: usize, y: usize): void {
  for (let i = 0; i < rows; i++) {
    let acc = f64x2.splat(0);
    let tail: f64 = 0;
    const r1 = load<i32>(rowRuns + ((<usize>(i + 1)) << 2));
    for (let r = load<i32>(rowRuns + ((<usize>i) << 2)); r < r1; r++) {
      const s = load<i32>(runStart + ((<usize>r) << 2));
      const len = load<i32>(runStart + ((<usize>(r + 1)) << 2)) - s;
      let v = values + ((<usize>s) << 3);
      let xp = x + ((<usize>load<i32>(runCol + ((<usize>r) << 2))) << 3);
      let l = 0;
      for (; l + 3 < len; l += 4) {
        acc = f64x2.add(acc, f64x2.mul(v128.load(v), v128.load(xp)));
        acc = f64x2.add(acc, f64x2.mul(v128.load(v, 16), v128.load(xp, 16)));
        v += 32;
        xp += 32;
      }
      for (; l + 1 < len; l += 2) {
        acc = f64x2.add(acc, f64x2.mul(v128.load(v), v128.load(xp)));
        v += 16;
        xp += 16;
      }
      if (l < len) tail += load<f64>(v) * load<f64>(xp);
    }
    store<f64>(y + ((<usize>i) << 3), f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1) + tail);
  }
}

/** t[j] = Σ_i A[i, j]·x[i] over the `rows` rows of A (run form), t of length `cols`: t = Aᵀ·x. */
export function scatter(rows: i32, cols: i32, rowRuns: usize, runCol: usize, runStart: usize, values: usize, x: usize, t: usize): void {
  memory.fill(t, 0, (<usize>cols) << 3);
  for (let i = 0; i < rows; i++) {
    const xi = load<f64>(x + ((<usize>i) << 3));
    if (xi == 0) continue;
    const xv = f64x2.splat(xi);
    const r1 = load<i32>(rowRuns + ((<usize>(i + 1)) << 2));
    for (let r = load<i32>(rowRuns + ((<usize>i) << 2)); r < r1; r++) {
      const s = load<i32>(runStart + ((<usize>r) << 2));
      const len = load<i32>(runStart + ((<usize>(r + 1)) << 2)) - s;
      let v = values + ((<usize>s) << 3);
      let tp = t + ((<usize>load<i32>(runCol + ((<usize>r) << 2))) << 3);
      let l = 0;
      for (; l + 3 < len; l += 4) {
        v128.store(tp, f64x2.add(v128.load(tp), f64x2.mul(xv, v128.load(v))));
        v128.store(tp, f64x2.add(v128.load(tp, 16), f64x2.mul(xv, v128.load(v, 16))), 16);
        v += 32;
        tp += 32;
      }
      for (; l + 1 < len; l += 2) {
        v128.store(tp, f64x2.add(v128.load(tp), f64x2.mul(xv, v128.load(v))));
        v += 16;
        tp += 16;
      }
      if (l < len) store<f64>(tp, load<f64>(tp) + xi * load<f64>(v));
    }
  }
}

/** y = A·Aᵀ·x for A (rows × cols, run form), with `t` (cols) as scratch. */
export function gram(
  rows: i32,
  cols: i32,
  rowRuns: usize,
  runCol: usize,
  runStart: usize,
  values: usize,
  x: usize,
  t: usize,
  y: usize,
): void {
  scatter(rows, cols, rowRuns, runCol, runStart, values, x, t);
  gather(rows, rowRuns, runCol, runStart, values, t, y);
}

/** y = A·x for A in plain CSR form (for rows whose runs are short). */
export function gatherCsr(rows: i32, indptr: usize, indices: usize, values: usize, x: usize, y: usize): void {
  let p = load<i32>(indptr);
  for (let i = 0; i < rows; i++) {
    const end = load<i32>(indptr + ((<usize>(i + 1)) << 2));
    let s0: f64 = 0;
    let s1: f64 = 0;
    for (; p + 1 < end; p += 2) {
      const ip = indices + ((<usize>p) << 2);
      const vp = values + ((<usize>p) << 3);
      s0 += load<f64>(vp) * load<f64>(x + ((<usize>load<i32>(ip)) << 3));
      s1 += load<f64>(vp, 8) * load<f64>(x + ((<usize>load<i32>(ip, 4)) << 3));
    }
    if (p < end) {
      s0 += load<f64>(values + ((<usize>p) << 3)) * load<f64>(x + ((<usize>load<i32>(indices + ((<usize>p) << 2))) << 3));
      p++;
    }
    store<f64>(y + ((<usize>i) << 3), s0 + s1);
  }
}

/** t = Aᵀ·x for A in plain CSR form. */
export function scatterCsr(rows: i32, cols: i32, indptr: usize, indices: usize, values: usize, x: usize, t: usize): void {
  memory.fill(t, 0, (<usize>cols) << 3);
  let p = load<i32>(indptr);
  for (let i = 0; i < rows; i++) {
    const end = load<i32>(indptr + ((<usize>(i + 1)) << 2));
    const xi = load<f64>(x + ((<usize>i) << 3));
    for (; p < end; p++) {
      const tp = t + ((<usize>load<i32>(indices + ((<usize>p) << 2))) << 3);
      store<f64>(tp, load<f64>(tp) + xi * load<f64>(values + ((<usize>p) << 3)));
    }
  }
}

/** y = A·Aᵀ·x for A in plain CSR form, with `t` (cols) as scratch. */
export function gramCsr(rows: i32, cols: i32, indptr: usize, indices: usize, values: usize, x: usize, t: usize, y: usize): void {
  scatterCsr(rows, cols, indptr, indices, values, x, t);
  gatherCsr(rows, indptr, indices, values, t, y);
}
