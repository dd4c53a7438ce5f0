import { describe, expect, it } from 'vitest';
import { createRandom, InvalidArgumentError, type DenseLayer, type Network } from '@modscope/core';
import { createNetwork } from '@modscope/train';
import { checkAgentNetwork, createAgentNetworks, denseChain } from './agent-networks.js';
import { createCorridor } from './test-support/corridor.js';

const corridor = createCorridor();
const shape = (n: Network) => n.layers.map((l) => [l.kind, l.id, l.inputs, l.outputShape]);

describe('createAgentNetworks', () => {
  it("makes the layers createNetwork makes, initialized as CleanRL's layer_init", () => {
    const { policy, value } = createAgentNetworks(corridor, 0, [16, 16], createRandom(1));
    expect(shape(policy)).toEqual(shape(createNetwork('14-16-16-3')));
    expect(shape(value)).toEqual(shape(createNetwork('14-16-16-1')));
    expect(policy.name).toBe('corridor-agent-0-policy');
    const out = policy.layers.find((l) => l.id === 'dense3') as DenseLayer;
    const hidden = policy.layers.find((l) => l.id === 'dense2') as DenseLayer;
    const norm = (k: Float32Array, column: number, units: number) => Math.hypot(...k.filter((_, i) => i % units === column));
    expect(norm(hidden.kernel, 0, 16)).toBeCloseTo(Math.SQRT2, 5); // orthogonal, gain √2
    expect(norm(out.kernel, 0, 3)).toBeCloseTo(0.01, 6); // gain 0.01: near-uniform first actions
    expect(out.bias!.every((b) => b === 0)).toBe(true);
    const again = createAgentNetworks(corridor, 0, [16, 16], createRandom(1));
    expect(again.policy.layers).toEqual(policy.layers);
    expect(createAgentNetworks(corridor, 0, [16, 16], createRandom(2)).policy.layers).not.toEqual(policy.layers);
  });
});

describe('denseChain and checkAgentNetwork', () => {
  it('accept a plain MLP, also with dropout and a final softmax, and reject anything else', () => {
    const mlp = createNetwork('14-8-3');
    expect(denseChain(mlp, 'x').map((l) => l.id)).toEqual(['dense1', 'dense2']);
    const withSoftmax: Network = {
      ...mlp,
      layers: [...mlp.layers, { kind: 'softmax', id: 'softmax', name: 'softmax', inputs: ['dense2'], units: 3, outputShape: [3] }],
      output: 'softmax',
    };
    expect(denseChain(withSoftmax, 'x')).toHaveLength(2);
    const [input, d1, relu, d2] = mlp.layers as [Network['layers'][0], DenseLayer, Network['layers'][0], DenseLayer];
    const withDropout: Network = {
      ...mlp,
      layers: [
        input,
        d1,
        relu,
        { kind: 'identity', id: 'drop', name: 'drop', inputs: ['relu1'], units: 8, outputShape: [8], origin: 'dropout' },
        { ...d2, inputs: ['drop'] },
      ],
    };
    expect(denseChain(withDropout, 'x')).toHaveLength(2);
    expect(() => denseChain({ ...mlp, layers: [input, d1, { ...d2, inputs: ['dense1'] }] }, 'x')).toThrow(
      /layer 'dense2' is a dense layer/,
    );
    expect(() => denseChain({ ...mlp, output: 'dense1' }, 'x')).toThrow(/its output is 'dense1', not the last layer/);
    expect(() => denseChain(createNetwork('cnn-small'), 'x')).toThrow(InvalidArgumentError);
    expect(checkAgentNetwork(mlp, corridor, 0, 'policy')).toHaveLength(2);
  });
});
