import { InvalidArgumentError } from '@modscope/core';
import { attentionWasmBase64 } from './generated/attention-wasm.js';
import { align16, type CompiledKernel, compileKernel, ensureMemory, type KernelMemory } from './wasm-module.js';

/**
 * One causal self-attention: q, k and v side by side in `qkv` (`[batch, positions, 3 × heads × headSize]`,
 * a fused projection's output), the output `[batch, positions, heads × headSize]`, row-major.
 */
export interface CausalAttentionShape {
  batch: number;
  positions: number;
  heads: number;
  headSize: number;
  /** Multiplies q·k before the softmax (usually 1 / √headSize). */
  scale: number;
}

/**
 * Causal multi-head self-attention on float32 arrays, in a WebAssembly SIMD kernel
 * (assembly/attention.ts): out = softmax(scale · Q·Kᵀ, j ≤ i)·V per example and head, and its gradient.
 * The arrays may be views of another WebAssembly memory (a tfjs backend's heap): they are copied in and
 * out, never kept.
 */
export interface CausalAttentionKernel {
  /** Length of the probabilities `forward` writes and `backward` reads: batch × heads × p × p, p = positions rounded up to 4. */
  probabilitiesLength(shape: CausalAttentionShape): number;
  /** Writes the output and the probabilities (zero above the diagonal). */
  forward(shape: CausalAttentionShape, qkv: Float32Array, out: Float32Array, probabilities: Float32Array): void;
  /** Writes the gradient of qkv from the output's gradient and `forward`'s probabilities. */
  backward(
    shape: CausalAttentionShape,
    tensors: { qkv: Float32Array; probabilities: Float32Array; dOut: Float32Array },
    dqkv: Float32Array,
  ): void;
}

interface Exports extends KernelMemory {
  forward(qkv: number, out: number, p: number, scratch: number, b: number, t: number, h: number, hs: number, scale: number): void;
  forwardScratch(t: number, hs: number): number;
  backward(
    qkv: number,
    p: number,
    dOut: number,
    dqkv: number,
    scratch: number,
    b: number,
    t: number,
    h: number,
    hs: number,
    scale: number,
  ): void;
  backwardScratch(t: number, hs: number): number;
}

const pkg = '@modscope/linalg';
let compiled: CompiledKernel<Exports> | null | undefined;
let kernel: CausalAttentionKernel | null | undefined;

/** This thread's causal-attention kernel; null where the runtime has no WebAssembly SIMD. */
export function causalAttentionKernel(): CausalAttentionKernel | null {
  if (kernel !== undefined) return kernel;
  compiled ??= compileKernel<Exports>(attentionWasmBase64);
  kernel = compiled ? wasmKernel(compiled.instantiate()) : null;
  return kernel;
}

function checkShape(shape: CausalAttentionShape, arrays: Record<string, Float32Array>, probabilities: number): void {
  const { batch, positions, heads, headSize, scale } = shape;
  for (const [name, value] of Object.entries({ batch, positions, heads, headSize })) {
    if (!Number.isInteger(value) || value < 1)
      throw new InvalidArgumentError({ argument: 'shape', message: `${pkg}: attention ${name} must be an integer ≥ 1, got ${value}.` });
  }
  if (!Number.isFinite(scale)) throw new InvalidArgumentError({ argument: 'shape', message: `${pkg}: attention scale must be finite.` });
  const n = batch * positions * heads * headSize;
  for (const [name, a] of Object.entries(arrays)) {
    const want = name === 'probabilities' ? probabilities : name === 'qkv' || name === 'dqkv' ? 3 * n : n;
    if (a.length !== want)
      throw new InvalidArgumentError({ argument: name, message: `${pkg}: attention ${name} holds ${a.length} values, not ${want}.` });
  }
}

function wasmKernel(ex: Exports): CausalAttentionKernel {
  const probabilitiesLength = ({ batch, positions, heads }: CausalAttentionShape) => {
    const p = (positions + 3) & ~3;
    return batch * heads * p * p;
  };
  /** Byte offsets of consecutive float32 arrays of these lengths after the heap base, then of the scratch. */
  const layout = (lengths: number[], scratchBytes: number): number[] => {
    const at: number[] = [];
    let end = align16(ex.heapBase());
    for (const n of lengths) {
      at.push(end);
      end = align16(end + n * 4);
    }
    at.push(end);
    ensureMemory(ex, end + scratchBytes);
    return at;
  };
  const put = (at: number, a: Float32Array) => new Float32Array(ex.memory.buffer, at, a.length).set(a);
  const take = (at: number, a: Float32Array) => a.set(new Float32Array(ex.memory.buffer, at, a.length));
  return {
    probabilitiesLength,
    forward(shape, qkv, out, probabilities) {
      const pl = probabilitiesLength(shape);
      checkShape(shape, { qkv, out, probabilities }, pl);
      const { batch, positions, heads, headSize, scale } = shape;
      const [qa, oa, pa, scratch] = layout([qkv.length, out.length, pl], ex.forwardScratch(positions, headSize));
      put(qa!, qkv);
      ex.forward(qa!, oa!, pa!, scratch!, batch, positions, heads, headSize, scale);
      take(oa!, out);
      take(pa!, probabilities);
    },
    backward(shape, { qkv, probabilities, dOut }, dqkv) {
      const pl = probabilitiesLength(shape);
      checkShape(shape, { qkv, probabilities, dOut, dqkv }, pl);
      const { batch, positions, heads, headSize, scale } = shape;
      const [qa, pa, ga, da, scratch] = layout([qkv.length, pl, dOut.length, dqkv.length], ex.backwardScratch(positions, headSize));
      put(qa!, qkv);
      put(pa!, probabilities);
      put(ga!, dOut);
      ex.backward(qa!, pa!, ga!, da!, scratch!, batch, positions, heads, headSize, scale);
      take(da!, dqkv);
    },
  };
}
