import { InvalidArgumentError } from './errors.js';
import { isWeighted, type ActivationFunction, type Layer, type Network } from './network.js';

/**
 * The units of one weighted layer and where their values can be read: the layer's own output is the
 * pre-activation; the activation that directly follows it (after an optional batch norm) gives the
 * post-activation.
 */
export interface UnitLayer {
  /** Id of the dense or conv2d layer that owns the units. */
  layer: string;
  name: string;
  kind: 'dense' | 'conv2d';
  units: number;
  /** Id of the layer whose output is the units' pre-activation: the weighted layer, or the batch norm after it. */
  pre: string;
  /** Id of the layer whose output is the units' post-activation; equals `pre` when no activation follows. */
  post: string;
  /** The activation between `pre` and `post` (`linear` when none). */
  activation: ActivationFunction;
  /** A batch norm follows the weighted layer (lesions then mask the activation itself, method §5). */
  normalized: boolean;
  /** False only for the layer that produces the network's output. */
  hidden: boolean;
}

/** A set of units of one layer: what a lesion silences or a pruning removes. */
export interface UnitSelection {
  /** Id of the dense or conv2d layer that owns the units. */
  layer: string;
  units: Int32Array;
}

/** Where to read a unit's value: before or after its activation function. */
export type ActivationPoint = 'pre' | 'post';

function soleConsumers(network: Network): Map<string, Layer> {
  const consumers = new Map<string, Layer[]>();
  for (const layer of network.layers) {
    for (const input of layer.inputs) {
      const list = consumers.get(input) ?? [];
      list.push(layer);
      consumers.set(input, list);
    }
  }
  const sole = new Map<string, Layer>();
  for (const [id, list] of consumers) if (list.length === 1) sole.set(id, list[0]!);
  return sole;
}

/** The network's weighted layers as unit layers, in order (the output layer last). */
export function unitLayers(network: Network): UnitLayer[] {
  const sole = soleConsumers(network);
  const byId = new Map(network.layers.map((l) => [l.id, l]));
  // The weighted layer behind the output: walk back through layers that keep units one to one.
  let outputUnits: string | undefined;
  for (let id: string | undefined = network.output; id !== undefined; ) {
    const layer = byId.get(id);
    if (!layer) break;
    if (isWeighted(layer)) {
      outputUnits = layer.id;
      break;
    }
    id = layer.inputs.length === 1 ? layer.inputs[0] : undefined;
  }
  const result: UnitLayer[] = [];
  for (const layer of network.layers) {
    if (!isWeighted(layer)) continue;
    let pre = layer.id;
    let normalized = false;
    let next = sole.get(pre);
    if (next?.kind === 'batchnorm') {
      pre = next.id;
      normalized = true;
      next = sole.get(pre);
    }
    const hasActivation = next?.kind === 'activation';
    result.push({
      layer: layer.id,
      name: layer.name,
      kind: layer.kind,
      units: layer.units,
      pre,
      post: hasActivation ? next!.id : pre,
      activation: hasActivation && next!.kind === 'activation' ? next!.activation : 'linear',
      normalized,
      hidden: layer.id !== outputUnits,
    });
  }
  return result;
}

/** The unit layer with this id (the weighted layer's id), or a clear error listing the ones there are. */
export function getUnitLayer(network: Network, id: string, argument = 'layer'): UnitLayer {
  const all = unitLayers(network);
  const found = all.find((u) => u.layer === id);
  if (!found) {
    throw new InvalidArgumentError({
      argument,
      message: `Model '${network.name}' has no dense or conv2d layer '${id}'.`,
      hint: `Use one of: ${all.map((u) => u.layer).join(', ') || '(none: the model has no weighted layers)'}.`,
    });
  }
  return found;
}
