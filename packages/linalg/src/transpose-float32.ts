import { InvalidArgumentError } from '@modscope/core';
import { transposeWasmBase64 } from './generated/transpose-wasm.js';
import { align16, type CompiledKernel, compileKernel, ensureMemory, type KernelMemory } from './wasm-module.js';

interface Exports extends KernelMemory {
  transpose(src: number, dst: number, rows: number, cols: number): void;
}

let compiled: CompiledKernel<Exports> | null | undefined;
let kernel: Exports | null | undefined;

/**
 * Writes the transpose of the row-major `rows × cols` float32 matrix `src` into `out` (`cols × rows`). A
 * WebAssembly SIMD kernel (4 × 4 blocks in registers, 32 × 32 tiles) where the runtime has one, else
 * JavaScript; the arrays may be views of another WebAssembly memory (copied in and out, never kept).
 */
export function transposeFloat32(src: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
  const n = rows * cols;
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows >= 0 && cols >= 0) || src.length !== n || out.length !== n) {
    throw new InvalidArgumentError({
      argument: 'src',
      message: `@modscope/linalg: transposeFloat32 needs ${rows} × ${cols} values in and out, got ${src.length} and ${out.length}.`,
    });
  }
  if (kernel === undefined) {
    compiled ??= compileKernel<Exports>(transposeWasmBase64);
    kernel = compiled ? compiled.instantiate() : null;
  }
  if (!kernel) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = src[i * cols + j]!;
    return out;
  }
  const from = align16(kernel.heapBase());
  const to = align16(from + n * 4);
  ensureMemory(kernel, to + n * 4);
  new Float32Array(kernel.memory.buffer, from, n).set(src);
  kernel.transpose(from, to, rows, cols);
  out.set(new Float32Array(kernel.memory.buffer, to, n));
  return out;
}
