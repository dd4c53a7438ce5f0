import { denseWasmBase64 } from './generated/dense-wasm.js';
import { align16, type CompiledKernel, compileKernel, ensureMemory, type KernelMemory } from './wasm-module.js';

/**
 * Float64 vector operations on one array, the arena, addressed by element offsets: the eigensolver's
 * Gram–Schmidt and Ritz vectors. Where the runtime has WebAssembly with SIMD the arena lives in a
 * WebAssembly instance's memory and the operations run there (assembly/dense.ts); elsewhere in
 * JavaScript. Both sum in the same order, so they agree bit for bit.
 */
export interface DenseVectors {
  /** The arena (a view of WebAssembly memory, or a plain array). */
  readonly arena: Float64Array;
  readonly wasm: boolean;
  /** Σ a[t]·b[t] (even and odd t apart, then added, then the last odd element). */
  dot(a: number, b: number, n: number): number;
  /** arena[out + i] = dot(v + i·n, x) for i < count. */
  dots(v: number, count: number, n: number, x: number, out: number): void;
  /** y −= Σ_i arena[coef + i]·(vector v + i·n), four vectors per pass (((c0·v0 + c1·v1) + c2·v2) + c3·v3). */
  subtract(v: number, coef: number, count: number, n: number, y: number): void;
  /** y += alpha·x. */
  axpy(alpha: number, x: number, y: number, n: number): void;
  /** Vector c of out = Σ_r arena[ys + c·m + r]·(vector v + r·n), for c < cols, summed over r in order. */
  combine(v: number, ys: number, m: number, cols: number, out: number, n: number): void;
  /** Hands the WebAssembly instance back for the next arena on this thread; the arena must not be used after. */
  dispose(): void;
}

interface Exports extends KernelMemory {
  dot(a: number, b: number, n: number): number;
  dots(v: number, count: number, n: number, x: number, out: number): void;
  subtract(v: number, coef: number, count: number, n: number, y: number): void;
  axpy(alpha: number, x: number, y: number, n: number): void;
  combine(v: number, ys: number, m: number, cols: number, out: number, n: number): void;
}

let compiled: CompiledKernel<Exports> | null | undefined;
let spare: Exports | null = null;

/** An arena of `length` float64 (zeroed); `useWasm: false` forces JavaScript. */
export function denseVectors(length: number, options: { useWasm?: boolean } = {}): DenseVectors {
  if (compiled === undefined) compiled = compileKernel<Exports>(denseWasmBase64);
  if (options.useWasm !== false && compiled) {
    try {
      return wasmVectors(length, compiled);
    } catch {
      // e.g. memory could not grow: fall through to JavaScript
    }
  }
  return jsVectors(new Float64Array(length));
}

function wasmVectors(length: number, kernel: CompiledKernel<Exports>): DenseVectors {
  const ex = spare ?? kernel.instantiate();
  spare = null;
  const base = align16(ex.heapBase());
  const end = base + length * 8;
  ensureMemory(ex, end);
  const arena = new Float64Array(ex.memory.buffer, base, length);
  arena.fill(0);
  const at = (offset: number) => base + offset * 8;
  let disposed = false;
  return {
    arena,
    wasm: true,
    dot: (a, b, n) => ex.dot(at(a), at(b), n),
    dots: (v, count, n, x, out) => ex.dots(at(v), count, n, at(x), at(out)),
    subtract: (v, coef, count, n, y) => ex.subtract(at(v), at(coef), count, n, at(y)),
    axpy: (alpha, x, y, n) => ex.axpy(alpha, at(x), at(y), n),
    combine: (v, ys, m, cols, out, n) => ex.combine(at(v), at(ys), m, cols, at(out), n),
    dispose() {
      if (disposed) return;
      disposed = true;
      spare ??= ex;
    },
  };
}

/** The JavaScript operations, in the order of the WebAssembly ones. */
export function jsVectors(arena: Float64Array): DenseVectors {
  const dot = (a: number, b: number, n: number): number => {
    let s0 = 0;
    let s1 = 0;
    let t = 0;
    for (; t + 1 < n; t += 2) {
      s0 += arena[a + t]! * arena[b + t]!;
      s1 += arena[a + t + 1]! * arena[b + t + 1]!;
    }
    let s = s0 + s1;
    if (t < n) s += arena[a + t]! * arena[b + t]!;
    return s;
  };
  const axpy = (alpha: number, x: number, y: number, n: number): void => {
    for (let t = 0; t < n; t++) arena[y + t]! += alpha * arena[x + t]!;
  };
  return {
    arena,
    wasm: false,
    dot,
    dots(v, count, n, x, out) {
      for (let i = 0; i < count; i++) arena[out + i] = dot(v + i * n, x, n);
    },
    subtract(v, coef, count, n, y) {
      let i = 0;
      for (; i + 3 < count; i += 4) {
        const c0 = arena[coef + i]!;
        const c1 = arena[coef + i + 1]!;
        const c2 = arena[coef + i + 2]!;
        const c3 = arena[coef + i + 3]!;
        const v0 = v + i * n;
        const v1 = v0 + n;
        const v2 = v1 + n;
        const v3 = v2 + n;
        for (let t = 0; t < n; t++) arena[y + t]! -= c0 * arena[v0 + t]! + c1 * arena[v1 + t]! + c2 * arena[v2 + t]! + c3 * arena[v3 + t]!;
      }
      for (; i < count; i++) axpy(-arena[coef + i]!, v + i * n, y, n);
    },
    axpy,
    combine(v, ys, m, cols, out, n) {
      for (let c = 0; c < cols; c++) {
        const y0 = ys + c * m;
        const o = out + c * n;
        for (let t = 0; t < n; t++) {
          let s = 0;
          for (let r = 0; r < m; r++) s += arena[y0 + r]! * arena[v + r * n + t]!;
          arena[o + t] = s;
        }
      }
    },
    dispose() {},
  };
}
