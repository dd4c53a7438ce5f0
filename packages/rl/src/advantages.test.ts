import { describe, expect, it } from 'vitest';
import { advantages } from './advantages.js';

describe('advantages', () => {
  it('matches GAE computed by hand, bootstrapping from the next value and cutting at episode ends', () => {
    // one game, three steps; the episode ends after step 1, so step 1 does not look at V(s₂)
    const rollout = {
      rewards: Float32Array.of(1, 0, 2),
      values: Float32Array.of(0.5, 0.25, 1),
      ended: Uint8Array.of(0, 1, 0),
      next: Float32Array.of(4),
      games: 1,
    };
    const gamma = 0.5;
    const lambda = 0.5;
    const d2 = 2 + gamma * 4 - 1; // 3
    const a2 = d2;
    const d1 = 0 - 0.25; // terminal
    const a1 = d1;
    const d0 = 1 + gamma * 0.25 - 0.5; // 0.625
    const a0 = d0 + gamma * lambda * a1; // 0.5625
    const { advantages: a, returns } = advantages(rollout, gamma, lambda);
    expect([...a]).toEqual([a0, a1, a2]);
    expect([...returns]).toEqual([a0 + 0.5, a1 + 0.25, a2 + 1]);
  });

  it('keeps games apart (step-major layout)', () => {
    const rollout = {
      rewards: Float32Array.of(1, 0, 0, 1),
      values: new Float32Array(4),
      ended: Uint8Array.of(0, 0),
      next: Float32Array.of(0, 0),
      games: 2,
    };
    const { advantages: a } = advantages(rollout, 1, 1);
    // game 0 is rewarded at step 0 only, game 1 at step 1 only
    expect([...a]).toEqual([1, 1, 0, 1]);
  });
});
