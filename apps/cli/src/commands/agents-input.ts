import { readTrainedAgents, type TrainedAgents } from '@modscope/agents';
import type { Environment } from '@modscope/core';
import { environmentFor } from '../environments.js';
import { loadModel } from '../loaders.js';
import { UsageError } from '../usage-error.js';

/** The flags a command's agent form (`--env`) cannot take, given by the user (not by a default). */
export function refuseFlags(explicit: ReadonlySet<string>, flags: Readonly<Record<string, string>>, form: string, hint: string): void {
  for (const [key, flag] of Object.entries(flags)) {
    if (explicit.has(key))
      throw new UsageError({ argument: flag, message: `${flag} is not an option of ${form}.`, hint: `Leave ${flag} out; ${hint}` });
  }
}

/**
 * The agents in `dir` (what `modscope train --env` wrote) and the environment `--env` names, with the settings
 * they were trained in unless `--regrowth` / `--beam-cost` say otherwise.
 */
export async function agentsAndEnvironment(
  dir: string,
  name: string,
  options: { regrowth?: number; beamCost?: number },
): Promise<{ trained: TrainedAgents; environment: Environment }> {
  const probe = environmentFor(name);
  const trained = await readTrainedAgents(dir, async (path) => (await loadModel(path)).network);
  if (trained.record.environment.name !== probe.name)
    throw new UsageError({
      argument: '--env',
      message: `the agents in ${dir} were trained in '${trained.record.environment.name}', not '${name}'.`,
      hint: `Use --env ${trained.record.environment.name}.`,
    });
  const setting = (key: string) => {
    const value = trained.record.environment.settings[key];
    return typeof value === 'number' ? value : undefined;
  };
  const regrowth = options.regrowth ?? setting('regrowth');
  const beamCost = options.beamCost ?? setting('beamCost');
  const environment = environmentFor(name, {
    ...(regrowth !== undefined ? { regrowth } : {}),
    ...(beamCost !== undefined ? { beamCost } : {}),
  });
  return { trained, environment };
}

/** `--forget behaviour:NAME` → NAME. */
export function behaviourOf(spec: string): string {
  const match = /^behaviour:(.+)$/.exec(spec.trim());
  if (!match)
    throw new UsageError({
      argument: '--forget',
      message: `--forget '${spec}' names no behaviour; agents forget a behaviour of their environment.`,
      hint: 'Use --forget behaviour:NAME, e.g. --forget behaviour:fire.',
    });
  return match[1]!.trim();
}
