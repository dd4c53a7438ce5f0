import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MissingFileError, type Network } from '@modscope/core';
import { readResultFile, type AgentTrainResultFile } from '@modscope/results';
import type { AgentNetworks } from '@modscope/rl';
import type { AgentFloorRecipe } from './excise/run-excise-agents.js';

export interface TrainedAgents {
  /** The directory, resolved. */
  dir: string;
  /** Per agent, its policy and value networks as loaded. */
  agents: AgentNetworks[];
  /** The training record (`train.json`). */
  record: AgentTrainResultFile;
  /** How they were trained, for the never-trained floor to repeat. */
  floor: AgentFloorRecipe;
}

/**
 * Reads the agents `modscope train --env` (`runTrainAgents`) wrote to `dir`: `train.json`, and every agent's
 * policy and value network through `load` (the caller's loader, e.g. the CLI's registry, given each ONNX path).
 * A directory without `train.json` is a `MissingFileError` that says how to make one.
 */
export async function readTrainedAgents(dir: string, load: (path: string) => Promise<Network>): Promise<TrainedAgents> {
  const root = resolve(dir);
  const recordPath = join(root, 'train.json');
  try {
    await access(recordPath);
  } catch {
    throw new MissingFileError({
      path: recordPath,
      what: 'training record of agents',
      hint: 'Pass the directory modscope train --env gathering --out DIR wrote (it holds train.json and agent-0/, agent-1/).',
    });
  }
  const record = await readResultFile(recordPath, { kinds: ['modscope/agent-train'] });
  const agents: AgentNetworks[] = [];
  for (const files of record.files.agents) {
    agents.push({ policy: await load(join(root, files.policy.onnx)), value: await load(join(root, files.value.onnx)) });
  }
  const { ppo } = record;
  return {
    dir: root,
    agents,
    record,
    floor: {
      updates: ppo.updates,
      hidden: [...ppo.hidden],
      games: ppo.games,
      rolloutLength: ppo.rolloutLength,
      learningRate: ppo.learningRate,
    },
  };
}
