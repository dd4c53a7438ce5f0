import { InvalidArgumentError, ShapeMismatchError } from './errors.js';
import type { EvaluateRequest } from './interfaces/evaluator.js';
import { inputLayer, inputSize, isWeighted, type Layer, type Network } from './network.js';

function layerFor(network: Network, id: string, purpose: string): Layer {
  const layer = network.layers.find((l) => l.id === id);
  if (!layer) {
    throw new InvalidArgumentError({
      argument: purpose,
      message: `The ${purpose} names layer '${id}', which model '${network.name}' does not have.`,
      hint: `Use one of its layer ids: ${network.layers.map((l) => l.id).join(', ')}.`,
    });
  }
  return layer;
}

/**
 * Checks an evaluation request against a network before any work: the input size, and that every
 * edit, mask and capture names an existing layer with values of the right size. Evaluators call this so
 * they all refuse bad requests with the same errors.
 */
export function checkEvaluateRequest(network: Network, request: EvaluateRequest): void {
  const per = inputSize(network);
  const { count } = request;
  if (!Number.isInteger(count) || count < 0 || request.inputs.length !== count * per) {
    throw new ShapeMismatchError({
      what: `inputs of model '${network.name}'`,
      expected:
        Number.isInteger(count) && count >= 0 ? [count, ...inputLayer(network).outputShape] : `a whole number of examples of ${per} values`,
      actual: `${request.inputs.length} values`,
      hint: `Pass count × ${per} values in the model's input layout (see prepareInputs).`,
    });
  }
  for (const edit of request.edits ?? []) {
    const layer = layerFor(network, edit.layer, 'edit');
    if (!isWeighted(layer)) {
      throw new InvalidArgumentError({
        argument: 'edit',
        message: `Layer '${edit.layer}' is a ${layer.kind} layer and has no weights to edit.`,
        hint: 'Edit dense or conv2d layers.',
      });
    }
    if (edit.kernel && edit.kernel.length !== layer.kernel.length) {
      throw new ShapeMismatchError({
        what: `edited kernel of '${edit.layer}'`,
        expected: layer.kernelShape,
        actual: `${edit.kernel.length} values`,
      });
    }
    if (edit.bias && edit.bias.length !== layer.units) {
      throw new ShapeMismatchError({ what: `edited bias of '${edit.layer}'`, expected: [layer.units], actual: [edit.bias.length] });
    }
  }
  for (const m of request.masks ?? []) {
    const layer = layerFor(network, m.layer, 'mask');
    if (m.mask.length !== layer.units)
      throw new ShapeMismatchError({ what: `mask of '${m.layer}'`, expected: [layer.units], actual: [m.mask.length] });
  }
  for (const id of request.capture ?? []) layerFor(network, id, 'capture');
}
