import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@modscope/core';
import { policyOutputs } from './policy-outputs.js';
import { rolloutAgents } from './rollout-agents.js';
import { createCorridor } from './test-support/corridor.js';
import { corridorPolicies } from './test-support/hand-policies.js';

const corridor = createCorridor();

describe('policyOutputs', () => {
  it('gives the probabilities the rollout acted on, in batches of any size', async () => {
    const rollout = await rolloutAgents(corridor, corridorPolicies(), { games: 3, record: true, seed: 2 });
    const r = rollout.recordings![0]!;
    const whole = await policyOutputs(corridorPolicies()[0], r.observations, r.count);
    const pieces = await policyOutputs(corridorPolicies()[0], r.observations, r.count, { batchSize: 5 });
    for (let i = 0; i < r.probabilities.length; i++) {
      expect(whole.probabilities[i]).toBeCloseTo(r.probabilities[i]!, 6);
      expect(pieces.probabilities[i]).toBeCloseTo(r.probabilities[i]!, 6);
    }
    expect(whole.hidden).toBeNull();
  });

  it('returns hidden activations after the ReLU, and a masked unit is silent in them and in the output', async () => {
    // agent 0's hidden unit 0 fires (value 1) exactly when the other agent is in cell 1; it makes agent 0 stay
    const observations = new Float32Array(2 * 14);
    observations[3] = 1; // state 0: own cell 3, other in cell 1
    observations[7 + 1] = 1;
    observations[14 + 3] = 1; // state 1: own cell 3, other in cell 5
    observations[14 + 7 + 5] = 1;
    const intact = await policyOutputs(corridorPolicies()[0], observations, 2, { hidden: true });
    expect(intact.hidden).toHaveLength(1);
    expect(intact.hidden![0]!.layer).toBe('dense1');
    expect(Array.from(intact.hidden![0]!.values)).toEqual([1, 1, 0, 1]);
    expect(intact.probabilities[2]).toBeGreaterThan(0.99); // stays
    const lesioned = await policyOutputs(corridorPolicies()[0], observations, 2, {
      hidden: true,
      masks: [{ layer: 'dense1', units: [0, 1] }],
    });
    expect(Array.from(lesioned.hidden![0]!.values)).toEqual([0, 1, 0, 1]);
    expect(lesioned.probabilities[1]).toBeCloseTo(Math.exp(5) / (Math.exp(5) + 2), 5); // goes right
  });

  it('refuses observations of the wrong size in one line', async () => {
    await expect(policyOutputs(corridorPolicies()[0], new Float32Array(10), 1)).rejects.toThrow(InvalidArgumentError);
  });
});
