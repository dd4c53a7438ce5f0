import {
  cloneNetwork,
  InvalidArgumentError,
  inputSize,
  outputSize,
  type DenseLayer,
  type Environment,
  type Network,
  type Random,
} from '@modscope/core';
import { createNetwork } from '@modscope/train';
import { orthogonalKernel } from './orthogonal-kernel.js';

/** An agent's two networks: the policy (observation → action logits) and the value function (→ 1 value). */
export interface AgentNetworks {
  policy: Network;
  value: Network;
}

const pkg = '@modscope/rl';

function notAnMlp(network: Network, what: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: what,
    message: `${pkg}: ${what} network '${network.name}' is not a plain dense ReLU MLP (${why}).`,
    hint: "Use one like createNetwork('a-b-c') of @modscope/train makes: input, dense, ReLU, …, dense.",
  });
}

/**
 * The dense layers of a plain MLP in order: input, dense, ReLU, dense, …, dense, each reading the one before
 * (identity layers such as dropout, and a final softmax, are passed over). Anything else is an
 * `InvalidArgumentError`: the policies this package trains are the networks the rest of modscope clusters.
 */
export function denseChain(network: Network, what: string): DenseLayer[] {
  const [first, ...rest] = network.layers;
  if (first?.kind !== 'input' || first.outputShape.length !== 1) throw notAnMlp(network, what, 'its input is not a flat vector');
  const dense: DenseLayer[] = [];
  let previous = first.id;
  let expectDense = true;
  for (const layer of rest) {
    if (layer.inputs.length !== 1 || layer.inputs[0] !== previous)
      throw notAnMlp(network, what, `layer '${layer.id}' does not read the layer before it`);
    if (layer.kind === 'identity') {
      previous = layer.id;
      continue;
    }
    if (layer.kind === 'softmax' && !expectDense && layer === rest.at(-1)) {
      previous = layer.id;
      continue;
    }
    if (expectDense && layer.kind === 'dense') {
      dense.push(layer);
    } else if (!expectDense && layer.kind === 'activation' && layer.activation === 'relu') {
      // a hidden layer's ReLU
    } else {
      throw notAnMlp(
        network,
        what,
        `layer '${layer.id}' is a ${layer.kind === 'activation' ? `${layer.activation} activation` : `${layer.kind} layer`}`,
      );
    }
    previous = layer.id;
    expectDense = !expectDense;
  }
  if (dense.length === 0 || expectDense) throw notAnMlp(network, what, 'it does not end in a dense layer');
  if (network.output !== previous) throw notAnMlp(network, what, `its output is '${network.output}', not the last layer`);
  return dense;
}

/** Checks that `network` is agent `agent`'s policy or value MLP for `environment`, with a message naming the fix. */
export function checkAgentNetwork(network: Network, environment: Environment, agent: number, role: 'policy' | 'value'): DenseLayer[] {
  const what = `agent ${agent}'s ${role}`;
  const layers = denseChain(network, what);
  const observed = environment.observationSize;
  const outputs = role === 'policy' ? environment.actions.length : 1;
  const example = `createNetwork('${observed}-64-64-${outputs}') of @modscope/train`;
  const inputs = inputSize(network);
  if (inputs !== observed) {
    throw new InvalidArgumentError({
      argument: role,
      message: `${pkg}: ${what} network '${network.name}' takes ${inputs} inputs, but environment '${environment.name}' observes ${observed} values per agent.`,
      hint: `Give it ${observed} inputs, e.g. ${example}.`,
    });
  }
  const given = outputSize(network);
  if (given !== outputs) {
    throw new InvalidArgumentError({
      argument: role,
      message:
        role === 'policy'
          ? `${pkg}: ${what} network '${network.name}' has ${given} outputs, but environment '${environment.name}' has ${outputs} actions (${environment.actions.join(', ')}).`
          : `${pkg}: ${what} network '${network.name}' has ${given} outputs; a value network has 1.`,
      hint: `Give it ${outputs} output${outputs > 1 ? 's' : ''}, e.g. ${example}.`,
    });
  }
  return layers;
}

/**
 * Fresh networks for one agent, initialized as CleanRL's `layer_init` does: orthogonal kernels with gain √2 in
 * hidden layers, 0.01 in the policy's output layer (near-uniform first actions) and 1 in the value's, zero
 * biases. Same layers and ids as `createNetwork` of `@modscope/train` makes for the same sizes.
 */
export function createAgentNetworks(environment: Environment, agent: number, hidden: readonly number[], random: Random): AgentNetworks {
  const make = (role: 'policy' | 'value', outputs: number, outputGain: number, stream: Random): Network => {
    const sizes = [environment.observationSize, ...hidden, outputs];
    const network = cloneNetwork(createNetwork(sizes.join('-'), { name: `${environment.name}-agent-${agent}-${role}` }));
    let l = 0;
    for (const layer of network.layers) {
      if (layer.kind !== 'dense') continue;
      l++;
      const [fanIn, fanOut] = layer.kernelShape;
      layer.kernel = orthogonalKernel(stream.fork(l), fanIn, fanOut, l === sizes.length - 1 ? outputGain : Math.SQRT2);
    }
    return network;
  };
  return { policy: make('policy', environment.actions.length, 0.01, random.fork(0)), value: make('value', 1, 1, random.fork(1)) };
}
