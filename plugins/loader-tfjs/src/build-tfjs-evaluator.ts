import * as tf from '@tensorflow/tfjs';
import {
  checkEvaluateRequest,
  InvalidArgumentError,
  getLayer,
  inputSize,
  outputSize,
  ShapeMismatchError,
  shapeSize,
  validateNetwork,
  type Activations,
  type EvaluateRequest,
  type EvaluateResult,
  type Evaluator,
  type Network,
  type WeightEdit,
} from '@modscope/core';
import {
  checkTfjsSupport,
  disposeWeights,
  forwardNetwork,
  selectBackend,
  uploadWeights,
  type NetworkWeights,
} from '@modscope/tfjs-runtime';
import type { TfjsEvaluatorOptions } from './tfjs-evaluator-options.js';

/** The weights with one run's edits applied; the returned tensors are to be disposed after the run. */
function editedWeights(
  network: Network,
  base: NetworkWeights,
  edits: readonly WeightEdit[],
): { weights: NetworkWeights; temporary: tf.Tensor[] } {
  const weights = new Map(base.weights);
  const temporary: tf.Tensor[] = [];
  for (const edit of edits) {
    const layer = getLayer(network, edit.layer);
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') {
      throw new InvalidArgumentError({
        argument: 'edits',
        message: `@modscope/loader-tfjs: layer '${edit.layer}' is a ${layer.kind} layer and has no weights to edit.`,
        hint: 'Edit dense or conv2d layers only.',
      });
    }
    let { kernel, bias } = weights.get(layer.id)!;
    if (edit.kernel) {
      if (edit.kernel.length !== layer.kernel.length)
        throw new ShapeMismatchError({ what: `edited kernel of '${layer.id}'`, expected: layer.kernelShape, actual: [edit.kernel.length] });
      kernel = tf.tensor(edit.kernel, [...layer.kernelShape]);
      temporary.push(kernel);
    }
    if (edit.bias) {
      if (edit.bias.length !== layer.units)
        throw new ShapeMismatchError({ what: `edited bias of '${layer.id}'`, expected: [layer.units], actual: [edit.bias.length] });
      bias = tf.tensor1d(edit.bias);
      temporary.push(bias);
    }
    weights.set(layer.id, { kernel, bias });
  }
  return { weights: { weights, norms: base.norms, parameters: base.parameters }, temporary };
}

/** One factor per channel from one factor per head. */
function expandHeads(mask: Float32Array, headSize: number): Float32Array {
  const channels = new Float32Array(mask.length * headSize);
  for (let h = 0; h < mask.length; h++) channels.fill(mask[h]!, h * headSize, (h + 1) * headSize);
  return channels;
}

function maskTensors(network: Network, masks: EvaluateRequest['masks'] = []): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const { layer: id, mask } of masks) {
    const layer = getLayer(network, id);
    if (mask.length !== layer.units)
      throw new ShapeMismatchError({ what: `mask of layer '${id}'`, expected: [layer.units], actual: [mask.length] });
    // Masks scale channels, the last axis of every compute value (NHWC, flat or sequence); an attention
    // layer's units are its heads, each owning `headSize` consecutive channels.
    out.set(id, tf.tensor1d(layer.kind === 'attention' ? expandHeads(mask, layer.headSize) : mask));
  }
  return out;
}

/** `createTfjsEvaluator`, once tfjs is loaded. */
export async function buildTfjsEvaluator(network: Network, options: TfjsEvaluatorOptions = {}): Promise<Evaluator> {
  const problems = validateNetwork(network);
  if (problems.length > 0) {
    throw new InvalidArgumentError({
      argument: 'network',
      message: `@modscope/loader-tfjs: network '${network.name}' is invalid: ${problems.join('; ')}.`,
      hint: 'Fix the network (see validateNetwork) before evaluating it.',
    });
  }
  checkTfjsSupport(network);
  const selection = await selectBackend(options.backend ? { backend: options.backend } : {});
  const uploaded = uploadWeights(network);
  const per = inputSize(network);
  const outputs = outputSize(network);
  const defaultBatch = options.batchSize ?? 256;
  let disposed = false;

  return {
    specificationVersion: 'v1',
    name: `tfjs (${selection.name})`,
    network,
    async run(request: EvaluateRequest): Promise<EvaluateResult> {
      if (disposed)
        throw new InvalidArgumentError({
          argument: 'evaluator',
          message: '@modscope/loader-tfjs: this evaluator was disposed.',
          hint: 'Create a new evaluator.',
        });
      checkEvaluateRequest(network, request);
      const { count } = request;
      const batchSize = Math.max(1, Math.floor(request.batchSize ?? defaultBatch));
      const capture = request.capture ?? [];
      const captureLayers = capture.map((id) => getLayer(network, id));
      const wanted = new Set([network.output, ...capture]);
      const logits = new Float32Array(count * outputs);
      const activations = new Map<string, Activations>();
      for (const layer of captureLayers) {
        activations.set(layer.id, { data: new Float32Array(count * shapeSize(layer.outputShape)), shape: [count, ...layer.outputShape] });
      }
      const masks = maskTensors(network, request.masks);
      let temporary: tf.Tensor[] = [];
      try {
        const edited = request.edits?.length ? editedWeights(network, uploaded, request.edits) : { weights: uploaded, temporary: [] };
        temporary = edited.temporary;
        for (let start = 0; start < count; start += batchSize) {
          const n = Math.min(batchSize, count - start);
          const results = tf.tidy(() => {
            const x = tf.tensor2d(request.inputs.subarray(start * per, (start + n) * per), [n, per]);
            const values = forwardNetwork(network, edited.weights, x, n, { masks, outputs: wanted });
            const read = (id: string) => {
              const value = values.get(id)!;
              // Back to the network layout: NHWC compute values of an nchw network become NCHW.
              return network.layout === 'nchw' && value.rank === 4 ? tf.transpose(value, [0, 3, 1, 2]) : value;
            };
            return [read(network.output), ...captureLayers.map((l) => read(l.id))];
          });
          try {
            const data = await Promise.all(results.map((t) => t.data() as Promise<Float32Array>));
            logits.set(data[0]!, start * outputs);
            captureLayers.forEach((layer, i) => {
              activations.get(layer.id)!.data.set(data[i + 1]!, start * shapeSize(layer.outputShape));
            });
          } finally {
            tf.dispose(results);
          }
          request.onProgress?.(start + n, count);
        }
      } finally {
        tf.dispose(temporary);
        tf.dispose([...masks.values()]);
      }
      return { logits, count, outputs, activations };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      disposeWeights(uploaded);
    },
  };
}
