import { spmvWasmBase64 } from './generated/spmv-wasm.js';
import { align16, type CompiledKernel, compileKernel, ensureMemory, type KernelMemory } from './wasm-module.js';

/** A rows × cols sparse matrix in CSR form (columns sorted within each row). */
export interface CsrBlock {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/**
 * Products with a fixed sparse matrix A: y = A·x, t = Aᵀ·x and y = A·Aᵀ·x. Where the runtime has
 * WebAssembly with SIMD, A lives in a WebAssembly instance of its own in "run" form (each row cut into runs
 * of consecutive columns, so a dense block between two layers is read with contiguous SIMD loads and no
 * indices, and Aᵀ needs no second copy); elsewhere plain JavaScript over the CSR arrays. The two agree to
 * rounding (sums are taken in a different order).
 */
export interface SparseProducts {
  readonly rows: number;
  readonly cols: number;
  /** Whether the WebAssembly kernels are in use. */
  readonly wasm: boolean;
  /** y (rows) = A·x (cols). */
  apply(x: Float64Array, y: Float64Array): void;
  /** t (cols) = Aᵀ·x (rows). */
  applyTranspose(x: Float64Array, t: Float64Array): void;
  /** y (rows) = A·Aᵀ·x (rows). */
  applyGram(x: Float64Array, y: Float64Array): void;
  /**
   * Hands the WebAssembly instance back for the next `sparseProducts` to reuse (its memory already
   * grown and paged in); the products must not be used after. Optional: without it the instance is
   * garbage-collected.
   */
  dispose(): void;
}

interface Exports extends KernelMemory {
  gather(rows: number, rowRuns: number, runCol: number, runStart: number, values: number, x: number, y: number): void;
  scatter(rows: number, cols: number, rowRuns: number, runCol: number, runStart: number, values: number, x: number, t: number): void;
  gram(
    rows: number,
    cols: number,
    rowRuns: number,
    runCol: number,
    runStart: number,
    values: number,
    x: number,
    t: number,
    y: number,
  ): void;
  gatherCsr(rows: number, indptr: number, indices: number, values: number, x: number, y: number): void;
  scatterCsr(rows: number, cols: number, indptr: number, indices: number, values: number, x: number, t: number): void;
  gramCsr(rows: number, cols: number, indptr: number, indices: number, values: number, x: number, t: number, y: number): void;
}

let compiled: CompiledKernel<Exports> | null | undefined;

const align = align16;

/** An instance handed back by `dispose`, for the next products on this thread. */
let spare: Exports | null = null;

/**
 * The products with `a` (whose indptr starts at 0). `useWasm: false` forces the JavaScript path (for
 * tests and for comparison).
 */
export function sparseProducts(a: CsrBlock, options: { useWasm?: boolean } = {}): SparseProducts {
  if (compiled === undefined) compiled = compileKernel<Exports>(spmvWasmBase64);
  const wasm = options.useWasm === false ? null : compiled;
  if (wasm) {
    try {
      return wasmProducts(a, wasm);
    } catch {
      // e.g. memory could not grow: fall through to JavaScript
    }
  }
  return jsProducts(a);
}

function wasmProducts(a: CsrBlock, kernel: CompiledKernel<Exports>): SparseProducts {
  const { rows, cols, indptr, indices, values } = a;
  // runs of consecutive columns
  const nnz = indptr[rows]!;
  let runs = 0;
  for (let i = 0; i < rows; i++) {
    let last = -2;
    const end = indptr[i + 1]!;
    for (let p = indptr[i]!; p < end; p++) {
      const c = indices[p]!;
      if (c !== last + 1) runs++;
      last = c;
    }
  }
  const ex = spare ?? kernel.instantiate();
  spare = null;
  // runs pay off where they are long (dense blocks); short ones cost more than an index per value
  const useRuns = nnz >= 4 * runs;
  const size = Math.max(rows, cols);
  const ptrAt = align(ex.heapBase());
  const colAt = align(ptrAt + (rows + 1) * 4);
  const startAt = align(colAt + (useRuns ? runs : nnz) * 4);
  const valuesAt = align(startAt + (useRuns ? (runs + 1) * 4 : 0));
  const xAt = align(valuesAt + nnz * 8);
  const tAt = align(xAt + size * 8);
  const yAt = align(tAt + size * 8);
  const end = yAt + size * 8 + 64;
  ensureMemory(ex, end);
  const buffer = ex.memory.buffer;
  const ptr = new Int32Array(buffer, ptrAt, rows + 1);
  const col = new Int32Array(buffer, colAt, useRuns ? runs : nnz);
  const start = new Int32Array(buffer, startAt, useRuns ? runs + 1 : 0);
  const vals = new Float64Array(buffer, valuesAt, nnz);
  vals.set(values.subarray(0, nnz));
  if (useRuns) {
    // run values are the CSR values in the same order
    let r = 0;
    for (let i = 0; i < rows; i++) {
      ptr[i] = r;
      let last = -2;
      const end = indptr[i + 1]!;
      for (let p = indptr[i]!; p < end; p++) {
        const c = indices[p]!;
        if (c !== last + 1) {
          col[r] = c;
          start[r++] = p;
        }
        last = c;
      }
    }
    ptr[rows] = r;
    start[runs] = nnz;
  } else {
    ptr.set(indptr);
    col.set(indices.subarray(0, nnz));
  }
  const x = new Float64Array(buffer, xAt, size);
  const y = new Float64Array(buffer, yAt, size);
  const t = new Float64Array(buffer, tAt, size);
  let disposed = false;
  const gather = useRuns
    ? () => ex.gather(rows, ptrAt, colAt, startAt, valuesAt, xAt, yAt)
    : () => ex.gatherCsr(rows, ptrAt, colAt, valuesAt, xAt, yAt);
  const scatter = useRuns
    ? () => ex.scatter(rows, cols, ptrAt, colAt, startAt, valuesAt, xAt, tAt)
    : () => ex.scatterCsr(rows, cols, ptrAt, colAt, valuesAt, xAt, tAt);
  const gram = useRuns
    ? () => ex.gram(rows, cols, ptrAt, colAt, startAt, valuesAt, xAt, tAt, yAt)
    : () => ex.gramCsr(rows, cols, ptrAt, colAt, valuesAt, xAt, tAt, yAt);
  return {
    rows,
    cols,
    wasm: true,
    apply(xIn, yOut) {
      x.set(xIn.subarray(0, cols));
      gather();
      yOut.set(y.subarray(0, rows));
    },
    applyTranspose(xIn, tOut) {
      x.set(xIn.subarray(0, rows));
      scatter();
      tOut.set(t.subarray(0, cols));
    },
    applyGram(xIn, yOut) {
      x.set(xIn.subarray(0, rows));
      gram();
      yOut.set(y.subarray(0, rows));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      spare ??= ex;
    },
  };
}

function jsProducts(a: CsrBlock): SparseProducts {
  const { rows, cols, indptr, indices, values } = a;
  const apply = (x: Float64Array, y: Float64Array) => {
    for (let i = 0; i < rows; i++) {
      let s0 = 0;
      let s1 = 0;
      const end = indptr[i + 1]!;
      let p = indptr[i]!;
      for (; p + 1 < end; p += 2) {
        s0 += values[p]! * x[indices[p]!]!;
        s1 += values[p + 1]! * x[indices[p + 1]!]!;
      }
      if (p < end) s0 += values[p]! * x[indices[p]!]!;
      y[i] = s0 + s1;
    }
  };
  const applyTranspose = (x: Float64Array, t: Float64Array) => {
    t.fill(0, 0, cols);
    for (let i = 0; i < rows; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const end = indptr[i + 1]!;
      for (let p = indptr[i]!; p < end; p++) t[indices[p]!]! += xi * values[p]!;
    }
  };
  const t = new Float64Array(cols);
  return {
    rows,
    cols,
    wasm: false,
    apply,
    applyTranspose,
    applyGram(x, y) {
      applyTranspose(x, t);
      apply(t, y);
    },
    dispose() {},
  };
}
