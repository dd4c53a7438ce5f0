import type { DenseLayer, Network } from '@modscope/core';
import { createNetwork } from '@modscope/train';

/** A `inputs-hidden-outputs` MLP with the given weights (row-major `[in, out]` kernels as nested arrays). */
function handNetwork(
  sizes: [number, number, number],
  weights: { w1: [number, number, number][]; b1: number[]; w2: [number, number, number][]; b2: number[] },
): Network {
  const network = createNetwork(sizes.join('-'), { name: 'hand' });
  const [d1, d2] = network.layers.filter((l): l is DenseLayer => l.kind === 'dense') as [DenseLayer, DenseLayer];
  d1.kernel.fill(0);
  d2.kernel.fill(0);
  for (const [i, j, v] of weights.w1) d1.kernel[i * sizes[1] + j] = v;
  for (const [i, j, v] of weights.w2) d2.kernel[i * sizes[2] + j] = v;
  d1.bias = Float32Array.from(weights.b1);
  d2.bias = Float32Array.from(weights.b2);
  return network;
}

/**
 * Hand-made policies for the corridor of length 7 (14 inputs: own cell one-hot, then the other's; actions left,
 * right, stay), one hidden layer of 2 units. Agent 0 goes right, except that it stays while the other agent is
 * in cell 1 (hidden unit 0 detects that); agent 1 always goes left (hidden unit 1 is a constant 1).
 */
export function corridorPolicies(): [Network, Network] {
  const agent0 = handNetwork([14, 2, 3], {
    w1: [[7 + 1, 0, 1]],
    b1: [0, 1],
    w2: [
      [0, 2, 10],
      [1, 1, 5],
    ],
    b2: [0, 0, 0],
  });
  const agent1 = handNetwork([14, 2, 3], { w1: [], b1: [0, 1], w2: [[1, 0, 5]], b2: [0, 0, 0] });
  return [agent0, agent1];
}
