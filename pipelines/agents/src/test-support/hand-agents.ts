import { createRandom, type DenseLayer, type Network } from '@modscope/core';
import type { AgentNetworks } from '@modscope/rl';
import { createNetwork } from '@modscope/train';

const VIEW = 49;
const OTHER = 2;
const FIRE = 7;

function dense(network: Network): DenseLayer[] {
  return network.layers.filter((l): l is DenseLayer => l.kind === 'dense');
}

/**
 * A gathering agent with a hand-wired aggression module: hidden units 0–3 of its one hidden layer (16 units) read
 * the other agent's channel on the five cells straight ahead — the beam's path — and drive the fire logit (+12
 * each); units 4–15 have small seeded random weights from the whole window to the movement logits. The fire
 * logit's bias is −2, so without units 0–3 firing is rare (P ≈ 0.02). With `module: false` units 0–3 drive
 * nothing and the fire bias is +2: the agent fires often everywhere, and no module carries it. Its value network is a fresh 148-16-1 MLP.
 */
export function handAgent(seed: number, options: { module?: boolean } = {}): AgentNetworks {
  const policy = createNetwork('148-16-8', { name: `hand-agent-${seed}` });
  const [d1, d2] = dense(policy) as [DenseLayer, DenseLayer];
  d1.kernel.fill(0);
  d2.kernel.fill(0);
  d1.bias = new Float32Array(16);
  d2.bias = new Float32Array(8);
  for (let u = 0; u < 4; u++) {
    for (let row = 0; row < 5; row++) d1.kernel[(OTHER * VIEW + row * 7 + 3) * 16 + u] = 1;
    d2.kernel[u * 8 + FIRE] = options.module === false ? 0 : 12;
  }
  const random = createRandom(seed);
  for (let i = 0; i < 148; i++) for (let u = 4; u < 16; u++) d1.kernel[i * 16 + u] = (random.next() - 0.5) * 0.6;
  for (let u = 4; u < 16; u++) {
    d1.bias[u] = 0.2;
    for (let a = 0; a < 7; a++) d2.kernel[u * 8 + a] = (random.next() - 0.5) * 2;
  }
  // without the module the agent fires as often everywhere: aggression that no module carries
  d2.bias[FIRE] = options.module === false ? 2 : -2;
  return { policy, value: createNetwork('148-16-1', { name: `hand-agent-${seed}-value` }) };
}

/** The partition that knows the module: cluster 0 is units 0–3 of the hidden layer, cluster 1 the rest. */
export function handPartition() {
  return {
    source: 'hand',
    k: 2,
    layers: [
      { layer: 'input', labels: new Int32Array(148) },
      { layer: 'dense1', labels: Int32Array.from({ length: 16 }, (_, u) => (u < 4 ? 0 : 1)) },
      { layer: 'dense2', labels: new Int32Array(8) },
    ],
  };
}
