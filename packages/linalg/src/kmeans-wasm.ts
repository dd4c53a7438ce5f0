import { kmeansWasmBase64 } from './generated/kmeans-wasm.js';
import { align16, compileKernel, ensureMemory, type KernelMemory } from './wasm-module.js';

/** The WebAssembly k-means kernel (assembly/kmeans.ts), one instance per thread. */
export interface KMeansKernel {
  /**
   * Copies the rows (n × dp float32, dp = d rounded up to 4, padding 0: see `prepareRows`) into the
   * kernel's memory for a series of runs.
   */
  open(rows: Float32Array, n: number, d: number, k: number): KMeansSession;
}

export interface KMeansSession {
  /** One run (seeding from the uniforms, then Lloyd); returns its inertia. */
  run(uniforms: Float64Array, maxIter: number, tolAbs: number): number;
  /** Labels, centers (k × dp float32) and iterations of the last run (copies). */
  result(): { labels: Int32Array; centers: Float32Array; iterations: number };
}

interface Exports extends KernelMemory {
  scratchBytes(n: number, d: number, k: number): number;
  transposedBytes(n: number, d: number): number;
  transposeRows(data: number, n: number, d: number, cols: number): void;
  iterations(): number;
  run(
    data: number,
    cols: number,
    n: number,
    d: number,
    k: number,
    u: number,
    maxIter: number,
    tolAbs: number,
    labels: number,
    centers: number,
    scratch: number,
  ): number;
}

let kernel: KMeansKernel | null | undefined;

const align = align16;

/** The kernel, compiled on first use; null where WebAssembly (with SIMD) is unavailable. */
export function kmeansKernel(): KMeansKernel | null {
  if (kernel !== undefined) return kernel;
  const compiled = compileKernel<Exports>(kmeansWasmBase64);
  if (!compiled) {
    kernel = null;
    return kernel;
  }
  const wasm = compiled.instantiate();
  kernel = {
    open(rows, n, d, k) {
      const dp = Math.ceil(d / 4) * 4;
      const base = align(wasm.heapBase());
      const dataAt = base;
      const colsAt = align(dataAt + n * dp * 4);
      const uAt = align(colsAt + wasm.transposedBytes(n, d));
      const uLength = 1 + (k - 1) * (2 + Math.floor(Math.log(k)));
      const labelsAt = align(uAt + uLength * 8);
      const centersAt = align(labelsAt + n * 4);
      const scratchAt = align(centersAt + k * dp * 4);
      const end = scratchAt + wasm.scratchBytes(n, d, k);
      ensureMemory(wasm, end);
      new Float32Array(wasm.memory.buffer, dataAt, n * dp).set(rows.subarray(0, n * dp));
      wasm.transposeRows(dataAt, n, d, colsAt);
      return {
        run(uniforms, maxIter, tolAbs) {
          new Float64Array(wasm.memory.buffer, uAt, uLength).set(uniforms);
          return wasm.run(dataAt, colsAt, n, d, k, uAt, maxIter, tolAbs, labelsAt, centersAt, scratchAt);
        },
        result() {
          return {
            labels: new Int32Array(wasm.memory.buffer, labelsAt, n).slice(),
            centers: new Float32Array(wasm.memory.buffer, centersAt, k * dp).slice(),
            iterations: wasm.iterations(),
          };
        },
      };
    },
  };
  return kernel;
}
