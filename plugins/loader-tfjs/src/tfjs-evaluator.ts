import * as tf from '@tensorflow/tfjs';
import {
  checkEvaluateRequest,
  InvalidArgumentError,
  getLayer,
  inputSize,
  outputSize,
  shapeSize,
  validateNetwork,
  type Activations,
  type EvaluateRequest,
  type EvaluateResult,
  type Evaluator,
  type Network,
} from '@modscope/core';
import { checkSupported, editedParams, forwardNetwork, maskTensors, uploadWeights } from './forward-network.js';
import { selectBackend, type BackendName } from './select-backend.js';

export interface TfjsEvaluatorOptions {
  /** Examples per inference call when the request gives none (default 256). */
  batchSize?: number;
  /** Backend to select before building; by default the one already selected, or the fastest available. */
  backend?: BackendName | 'auto';
}

/**
 * An `Evaluator` running the network with tfjs ops on the selected backend (see `selectBackend`). Weights
 * are uploaded once, when the evaluator is made; edits replace them for one run only, masks scale a
 * layer's output channels, and captured activations come back in the network's layout (for an `nchw`
 * network they are transposed back from the NHWC order tfjs computes in).
 */
export async function createTfjsEvaluator(network: Network, options: TfjsEvaluatorOptions = {}): Promise<Evaluator> {
  const problems = validateNetwork(network);
  if (problems.length > 0) {
    throw new InvalidArgumentError({
      argument: 'network',
      message: `@modscope/loader-tfjs: network '${network.name}' is invalid: ${problems.join('; ')}.`,
      hint: 'Fix the network (see validateNetwork) before evaluating it.',
    });
  }
  checkSupported(network);
  const selection = await selectBackend(options.backend ? { backend: options.backend } : {});
  const { params, norms, owned } = uploadWeights(network);
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
        const edited = request.edits?.length ? editedParams(network, params, request.edits) : { params, temporary: [] };
        temporary = edited.temporary;
        for (let start = 0; start < count; start += batchSize) {
          const n = Math.min(batchSize, count - start);
          const results = tf.tidy(() => {
            const x = tf.tensor2d(request.inputs.subarray(start * per, (start + n) * per), [n, per]);
            const values = forwardNetwork(network, edited.params, norms, x, n, masks, wanted);
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
            captureLayers.forEach((layer, i) => activations.get(layer.id)!.data.set(data[i + 1]!, start * shapeSize(layer.outputShape)));
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
      tf.dispose(owned);
    },
  };
}
