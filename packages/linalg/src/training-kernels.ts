import { trainingWasmBase64 } from './generated/training-wasm.js';
import { type CompiledKernel, compileKernel, type KernelMemory } from './wasm-module.js';

/**
 * The kernels of a language model's training step (assembly/training.ts, WebAssembly SIMD) working in place
 * on a memory they share with their caller, typically tfjs's wasm heap: every pointer is a byte offset
 * into that memory (16-byte alignment not needed), every array float32 unless said otherwise, row-major.
 * The kernels read and write only the arrays they are given; sums run in increasing index order, so the
 * same inputs give the same bits.
 */
export interface TrainingKernels {
  /**
   * Layer normalization of `rows` rows of `d` floats at `x`: y = (x − mean)·rstd·gamma + beta, rstd =
   * 1/√(variance + eps) (population variance). Where `add` is not 0, the rows normalized are x + add,
   * written to `sum` first (a residual stream after its branch). `stats` receives mean and rstd per row.
   */
  layerNorm(
    x: number,
    add: number,
    sum: number,
    gamma: number,
    beta: number,
    y: number,
    stats: number,
    rows: number,
    d: number,
    eps: number,
  ): void;
  /**
   * The gradient of `layerNorm` (`x` the rows it normalized, `stats` what it wrote) from dy: dx (plus `dAdd`
   * where not 0), and dgamma, dbeta summed over the rows (overwritten).
   */
  layerNormBackward(
    dy: number,
    x: number,
    stats: number,
    gamma: number,
    dAdd: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    rows: number,
    d: number,
  ): void;
  /**
   * g = u·Φ(u), the exact-erf GELU (Abramowitz–Stegun 7.1.26 erf, |error| ≤ 1.5e-7), times `mask` where not
   * 0 (dropout); where `slope` is not 0 also writes the derivative there, Φ(u) + u·φ(u) (times the mask):
   * the backward pass is then `multiply(dg, slope, du)`.
   */
  gelu(u: number, mask: number, g: number, slope: number, n: number): void;
  /** out = a ⊙ b (out may be a or b). */
  multiply(a: number, b: number, out: number, n: number): void;
  /** du = dg·mask·(Φ(u) + u·φ(u)), `mask` 0 for none; du may be dg. */
  geluBackward(u: number, dg: number, mask: number, du: number, n: number): void;
  /**
   * Softmax cross-entropy of `rows` rows of `cols` logits against int32 `targets`: returns the summed loss
   * (logsumexp − the target's logit), writes dlogits = (softmax − onehot)·scale.
   */
  crossEntropy(logits: number, targets: number, dlogits: number, rows: number, cols: number, scale: number): number;
  /** Rows of the last `crossEntropy` whose first arg-max was the target. */
  crossEntropyCorrect(): number;
  /** out[c] = Σ_r x[r][c] (a bias gradient). */
  columnSums(x: number, out: number, rows: number, cols: number): void;
  /** out[r] = tokens[ids[r]] + positions[r mod t] (int32 ids; `positions` 0: none), rows of `d` floats. */
  embed(ids: number, tokens: number, positions: number, out: number, rows: number, t: number, d: number): void;
  /** The gradient of `embed` into dTokens (`vocabulary` rows) and dPositions (`positionRows` rows; 0: none), overwritten. */
  embedBackward(
    ids: number,
    dOut: number,
    dTokens: number,
    dPositions: number,
    rows: number,
    t: number,
    d: number,
    vocabulary: number,
    positionRows: number,
  ): void;
  /** `causalAttentionKernel`'s forward pass on pointers; `scratch` holds `attentionForwardScratch(t, headSize)` bytes. */
  attentionForward(
    qkv: number,
    out: number,
    p: number,
    scratch: number,
    batch: number,
    t: number,
    heads: number,
    headSize: number,
    scale: number,
  ): void;
  attentionForwardScratch(t: number, headSize: number): number;
  /** `causalAttentionKernel`'s backward pass on pointers; `scratch` holds `attentionBackwardScratch(t, headSize)` bytes. */
  attentionBackward(
    qkv: number,
    p: number,
    dOut: number,
    dqkv: number,
    scratch: number,
    batch: number,
    t: number,
    heads: number,
    headSize: number,
    scale: number,
  ): void;
  attentionBackwardScratch(t: number, headSize: number): number;
  /**
   * out = a·b (+ bias; 0: none) for row-major a `m × k` and b `k × n`: x·W + b and dy·Wᵀ of a dense layer,
   * without packing b (k summed in increasing order, then the bias).
   */
  matMul(a: number, b: number, bias: number, out: number, m: number, k: number, n: number): void;
  /**
   * g = GELU(a·b + bias) (times `mask`; 0: none) and `slope` its derivative: `matMul` then `gelu` in place on
   * blocks of 16 rows while they are in cache (an MLP's first layer, its pre-activation never stored).
   */
  matMulGelu(a: number, b: number, bias: number, mask: number, g: number, slope: number, m: number, k: number, n: number): void;
  /**
   * out = xᵀ·dy (`m × n`) for x `rows × m` and dy `rows × n`: a dense layer's weight gradient without
   * transposing or packing either operand (rows summed in increasing order).
   */
  weightGradient(x: number, dy: number, out: number, rows: number, m: number, n: number): void;
  /**
   * One AdamW step over n float32 parameters in float64 arithmetic, the operations and order of
   * `@modscope/train`'s flat optimizer (the same bits): g = gradient·scale; w·shrink where `decay` (float32
   * 0/1) is 1; m = m·b1 + g·c1, s = s·b2 + g·g·c2 (stored float32); w −= m/(√s + eps)·step; w·mask where
   * `mask` is not 0. `first`, `second` hold the moments.
   */
  adamUpdate(
    weights: number,
    gradient: number,
    first: number,
    second: number,
    decay: number,
    mask: number,
    n: number,
    scale: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    eps: number,
    step: number,
    shrink: number,
  ): void;
  /** dst = srcᵀ for a rows × cols matrix. */
  transpose(src: number, dst: number, rows: number, cols: number): void;
}

let compiled: CompiledKernel<TrainingKernels & KernelMemory> | null | undefined;
const instances = new WeakMap<object, TrainingKernels>();

/**
 * The training kernels instantiated on `memory` (a `WebAssembly.Memory`, e.g. tfjs's wasm heap; one instance
 * per memory); null where the runtime has no WebAssembly SIMD. The instance writes nothing into the memory
 * when it starts.
 */
export function trainingKernels(memory: object): TrainingKernels | null {
  const have = instances.get(memory);
  if (have) return have;
  compiled ??= compileKernel(trainingWasmBase64);
  if (!compiled) return null;
  let kernels: TrainingKernels;
  try {
    kernels = compiled.instantiate({ env: { memory } });
  } catch {
    return null;
  }
  instances.set(memory, kernels);
  return kernels;
}
