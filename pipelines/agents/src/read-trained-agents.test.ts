import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MissingFileError } from '@modscope/core';
import { createGatheringEnvironment } from '@modscope/env-gathering';
import { onnxLoader } from '@modscope/loader-onnx';
import { policyOutputs } from '@modscope/rl';
import { describe, expect, it } from 'vitest';
import { readTrainedAgents } from './read-trained-agents.js';
import { runTrainAgents } from './run-train-agents.js';

const load = async (path: string) => (await onnxLoader.load(path)).network;

describe('readTrainedAgents', () => {
  it('reads back what runTrainAgents wrote: the same policies, and the recipe for the floor', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'modscope-read-agents-')), 'pair');
    const environment = createGatheringEnvironment({ regrowth: 0.05 });
    await runTrainAgents({
      environment,
      out,
      seed: 1,
      updates: 2,
      games: 4,
      rolloutLength: 16,
      hidden: [8],
      learningRate: 1e-3,
      evaluation: { games: 2, episodes: 1 },
    });
    const read = await readTrainedAgents(out, load);
    expect(read.agents).toHaveLength(2);
    expect(read.floor).toEqual({ updates: 2, hidden: [8], games: 4, rolloutLength: 16, learningRate: 1e-3 });
    expect(read.record.environment.settings.regrowth).toBe(0.05);
    const observations = new Float32Array(3 * 148).map((_, i) => (i % 7 === 0 ? 1 : 0));
    const probabilities = (await policyOutputs(read.agents[0]!.policy, observations, 3)).probabilities;
    expect(probabilities).toHaveLength(3 * 8);
    expect(probabilities.slice(0, 8).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
  }, 60_000);

  it('names the fix when the directory holds no training record', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'modscope-no-agents-'));
    await expect(readTrainedAgents(empty, load)).rejects.toThrow(MissingFileError);
    await expect(readTrainedAgents(empty, load)).rejects.toThrow(
      /training record of agents not found: .*train\.json\. Pass the directory modscope train --env/,
    );
  });
});
