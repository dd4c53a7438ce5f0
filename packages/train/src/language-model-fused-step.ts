import * as tf from '@tensorflow/tfjs';
import { transformerView, type Network } from '@modscope/core';
import { type TrainingKernels, trainingKernels } from '@modscope/linalg';
import type { LanguageModelParams } from './language-model-params.js';

/** What the fused step needs of tfjs's wasm backend: outputs on its heap, views of them, and the heap's memory. */
interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array;
  wasm?: { asm?: { memory?: object }; wasmMemory?: object };
}

/** A share of a batch as the fused step reads it. */
interface FusedShare {
  inputs: Int32Array;
  targets: Int32Array;
  count: number;
  total: number;
}

/** Summed loss (mean × count) and correct predictions of a share. */
interface FusedStatistics {
  loss: number;
  correct: number;
}

/**
 * Writes the gradient of a share's loss (its mean next-token loss × count / total) into `out` at each
 * variable's offset; `dropout(size)`, where given, draws the next MLP layer's dropout mask (inverted, 0 or
 * 1/(1 − rate) per neuron and position).
 */
export type FusedGradients = (share: FusedShare, dropout: ((size: number) => Float32Array) | null, out: Float32Array) => FusedStatistics;

/**
 * A language model's training step written out by hand, forward and backward, on tfjs's wasm heap, every
 * op a `@modscope/linalg` training kernel working in place (embedding, products x·W + b, dy·Wᵀ and xᵀ·dy,
 * LayerNorm with the residual add, exact GELU, causal attention, cross-entropy, column sums, transposes):
 * tfjs only allocates the tensors. No autodiff tape (which copied every saved tensor and added gradients op
 * by op). The same arithmetic as the tfjs ops of the forward pass, up to float rounding. Null where it
 * does not apply — another backend, no WebAssembly SIMD, a tied unembedding, an activation other than
 * GELU, no position table, an output after the unembedding — and the caller then differentiates tfjs's ops.
 */
export function fusedLanguageModelGradients(
  network: Network,
  params: LanguageModelParams,
  offsetOf: (v: tf.Variable) => number,
): FusedGradients | null {
  if (tf.getBackend() !== 'wasm') return null;
  const heap = tf.backend() as unknown as Partial<WasmHeap>;
  const memory = heap.wasm?.asm?.memory ?? heap.wasm?.wasmMemory;
  if (!memory || typeof heap.makeOutput !== 'function' || typeof heap.typedArrayFromHeap !== 'function') return null;
  const k: TrainingKernels | null = trainingKernels(memory);
  if (!k) return null;
  const view = transformerView(network);
  if (params.tied || network.output !== view.unembedding.id) return null;
  if (view.blocks.some((b) => b.activation.activation !== 'gelu')) return null;
  const { weights, parameters } = params.weights;
  const embedding = parameters.get(view.embedding.id)!;
  if (!embedding.tokens || !embedding.positions) return null;
  const h = heap as WasmHeap;
  const tokens = embedding.tokens;
  const positions = embedding.positions;
  const vocabulary = view.embedding.vocabulary;
  const d = view.width;
  const positionRows = positions.shape[0]!;
  const norm = (id: string) => {
    const p = parameters.get(id)!;
    return { gamma: p.gamma!, beta: p.beta! };
  };
  const blocks = view.blocks.map((b) => {
    const a = parameters.get(b.attention.id)!;
    return {
      ln1: norm(b.norm1.id),
      eps1: b.norm1.epsilon,
      ln2: norm(b.norm2.id),
      eps2: b.norm2.epsilon,
      heads: b.attention.heads,
      headSize: b.attention.headSize,
      scale: b.attention.scale,
      q: [a.query!, a.key!, a.value!] as const,
      qb: [a.queryBias ?? null, a.keyBias ?? null, a.valueBias ?? null] as const,
      out: weights.get(b.attentionOutput.id)!,
      mlpIn: weights.get(b.mlpIn.id)!,
      mlpOut: weights.get(b.mlpOut.id)!,
    };
  });
  const final = norm(view.finalNorm.id);
  const finalEps = view.finalNorm.epsilon;
  const unembedding = weights.get(view.unembedding.id)!;

  const alloc = (shape: number[]) => tf.engine().makeTensorFromTensorInfo(h.makeOutput(shape, 'float32'));
  /** Byte offset of a tensor's values on the heap. */
  const p = (t: tf.Tensor) => h.typedArrayFromHeap(t).byteOffset;
  const transposed = (t: tf.Tensor) => {
    const [rows, cols] = t.shape as [number, number];
    const out = alloc([cols, rows]);
    k.transpose(p(t), p(out), rows, cols);
    return out as tf.Tensor2D;
  };
  /** x·W (+ b) by linalg's kernel (about a quarter faster than tfjs's matMul through XNNPACK, which also packs W first). */
  const affine = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null) => {
    const [m, kk] = x.shape as [number, number];
    const n = w.shape[1]!;
    const out = alloc([m, n]);
    k.matMul(p(x), p(w), b ? p(b) : 0, p(out), m, kk, n);
    return out;
  };
  const columnSums = (x: tf.Tensor) => {
    const [rows, cols] = x.shape as [number, number];
    const out = alloc([cols]);
    k.columnSums(p(x), p(out), rows, cols);
    return out;
  };

  return (share, dropout, out) =>
    tf.tidy(() => {
      const n = share.count;
      const t = share.inputs.length / n;
      const rows = n * t;
      const put = (v: tf.Tensor | null, g: tf.Tensor) => {
        if (v) out.set(h.typedArrayFromHeap(g) as Float32Array, offsetOf(v as tf.Variable));
      };
      /** LayerNorm of stream (+ branch): the rows normalized, the output and the statistics. */
      const layerNorm = (stream: tf.Tensor, branch: tf.Tensor | null, ln: { gamma: tf.Tensor; beta: tf.Tensor }, eps: number) => {
        const x = branch ? alloc([rows, d]) : stream;
        const y = alloc([rows, d]);
        const stats = alloc([2 * rows]);
        k.layerNorm(p(stream), branch ? p(branch) : 0, branch ? p(x) : 0, p(ln.gamma), p(ln.beta), p(y), p(stats), rows, d, eps);
        return { x, y, stats };
      };
      const layerNormBackward = (
        dy: tf.Tensor,
        saved: { x: tf.Tensor; stats: tf.Tensor },
        ln: { gamma: tf.Tensor; beta: tf.Tensor },
        dAdd: tf.Tensor | null,
      ) => {
        const dx = alloc([rows, d]);
        const dGamma = alloc([d]);
        const dBeta = alloc([d]);
        k.layerNormBackward(p(dy), p(saved.x), p(saved.stats), p(ln.gamma), dAdd ? p(dAdd) : 0, p(dx), p(dGamma), p(dBeta), rows, d);
        put(ln.gamma, dGamma);
        put(ln.beta, dBeta);
        return dx;
      };

      const ids = tf.tensor1d(share.inputs, 'int32');
      const targets = tf.tensor1d(share.targets, 'int32');
      const x0 = alloc([rows, d]);
      k.embed(p(ids), p(tokens), p(positions), p(x0), rows, t, d);

      // forward, keeping what the backward pass reads
      let stream: tf.Tensor = x0;
      let branch: tf.Tensor | null = null;
      const kept = blocks.map((b) => {
        const n1 = layerNorm(stream, branch, b.ln1, b.eps1);
        const width = b.heads * b.headSize;
        const wqkv = tf.concat([...b.q], 1);
        const bqkv = b.qb.some((x) => x) ? tf.concat(b.qb.map((x) => x ?? tf.zeros([width]))) : null;
        const qkv = affine(n1.y, wqkv, bqkv);
        const attended = alloc([rows, width]);
        const tp = (t + 3) & ~3;
        const probabilities = alloc([n * b.heads * tp * tp]);
        const scratch = alloc([Math.ceil(k.attentionForwardScratch(t, b.headSize) / 4)]);
        k.attentionForward(p(qkv), p(attended), p(probabilities), p(scratch), n, t, b.heads, b.headSize, b.scale);
        scratch.dispose();
        const a = affine(attended, b.out.kernel, b.out.bias);
        const n2 = layerNorm(n1.x, a, b.ln2, b.eps2);
        a.dispose();
        // the MLP's first layer and its GELU in one pass; the GELU's derivative (times the mask) kept for the
        // backward pass, the pre-activation never stored
        const neurons = b.mlpIn.kernel.shape[1]!;
        const mask = dropout ? tf.tensor(dropout(rows * neurons), [rows, neurons]) : null;
        const g = alloc([rows, neurons]);
        const slope = alloc([rows, neurons]);
        const inBias = b.mlpIn.bias;
        k.matMulGelu(p(n2.y), p(b.mlpIn.kernel), inBias ? p(inBias) : 0, mask ? p(mask) : 0, p(g), p(slope), rows, d, neurons);
        mask?.dispose();
        const m = affine(g, b.mlpOut.kernel, b.mlpOut.bias);
        stream = n2.x;
        branch = m;
        return { n1, wqkv, qkv, attended, probabilities, n2, slope, g };
      });
      const nf = layerNorm(stream, branch, final, finalEps);
      const logits = affine(nf.y, unembedding.kernel, unembedding.bias);
      const dLogits = alloc(logits.shape);
      const loss = k.crossEntropy(p(logits), p(targets), p(dLogits), rows, vocabulary, 1 / (share.total * t));
      const correct = k.crossEntropyCorrect();
      logits.dispose();

      // backward
      /**
       * xᵀ·dy by linalg's kernel: tfjs would need xᵀ (or dyᵀ) transposed first, and hands XNNPACK its right
       * operand as weights to pack (a scalar loop, about 4 ns a float); together about twice the time.
       */
      const weightGradient = (x: tf.Tensor, dy: tf.Tensor) => {
        const [m, n] = [x.shape[1]!, dy.shape[1]!];
        const dw = alloc([m, n]);
        k.weightGradient(p(x), p(dy), p(dw), rows, m, n);
        return dw;
      };
      /** The gradient of x·W (+ b) from dy: W's (and b's) into `out`, x's returned. */
      const affineBackward = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null, dy: tf.Tensor) => {
        const dw = weightGradient(x, dy);
        put(w, dw);
        dw.dispose();
        if (b) {
          const db = columnSums(dy);
          put(b, db);
          db.dispose();
        }
        const wt = transposed(w);
        const dx = affine(dy, wt, null);
        wt.dispose();
        return dx;
      };
      let dh = affineBackward(nf.y, unembedding.kernel, unembedding.bias, dLogits);
      let dStream = layerNormBackward(dh, nf, final, null);
      for (let i = blocks.length - 1; i >= 0; i--) {
        const b = blocks[i]!;
        const s = kept[i]!;
        const dg = affineBackward(s.g, b.mlpOut.kernel, b.mlpOut.bias, dStream);
        k.multiply(p(dg), p(s.slope), p(dg), dg.size);
        dh = affineBackward(s.n2.y, b.mlpIn.kernel, b.mlpIn.bias, dg);
        dg.dispose();
        const dMid = layerNormBackward(dh, s.n2, b.ln2, dStream);
        dh.dispose();
        dStream.dispose();
        const dAttended = affineBackward(s.attended, b.out.kernel, b.out.bias, dMid);
        const width = b.heads * b.headSize;
        const dqkv = alloc([rows, 3 * width]);
        const scratch = alloc([Math.ceil(k.attentionBackwardScratch(t, b.headSize) / 4)]);
        k.attentionBackward(p(s.qkv), p(s.probabilities), p(dAttended), p(dqkv), p(scratch), n, t, b.heads, b.headSize, b.scale);
        tf.dispose([scratch, dAttended]);
        // [Q K V]'s gradient, side by side, back to the three matrices and biases
        const dw = h.typedArrayFromHeap(weightGradient(s.n1.y, dqkv)) as Float32Array;
        for (let j = 0; j < 3; j++) {
          const o = offsetOf(b.q[j] as tf.Variable);
          for (let r = 0; r < d; r++) out.set(dw.subarray(r * 3 * width + j * width, r * 3 * width + (j + 1) * width), o + r * width);
        }
        const dbqkv = h.typedArrayFromHeap(columnSums(dqkv)) as Float32Array;
        for (let j = 0; j < 3; j++) {
          const bias = b.qb[j];
          if (bias) out.set(dbqkv.subarray(j * width, (j + 1) * width), offsetOf(bias as tf.Variable));
        }
        const wt = transposed(s.wqkv);
        dh = affine(dqkv, wt, null);
        dStream = layerNormBackward(dh, s.n1, b.ln1, dMid);
        tf.dispose([dh, dMid, wt, dqkv]);
      }
      const dTokens = alloc([vocabulary, d]);
      const dPositions = alloc([positionRows, d]);
      k.embedBackward(p(ids), p(dStream), p(dTokens), p(dPositions), rows, t, d, vocabulary, positionRows);
      put(tokens, dTokens);
      put(positions, dPositions);
      return { loss: loss / t, correct };
    });
}
