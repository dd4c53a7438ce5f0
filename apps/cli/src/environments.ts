import type { Environment } from '@modscope/core';
import { createGatheringEnvironment } from '@modscope/env-gathering';
import { asUsage, UsageError } from './usage-error.js';

/** The environment settings the command line takes (`--regrowth`, `--beam-cost`); each environment reads those it has. */
export interface EnvironmentOptions {
  /** Probability per step that an empty apple cell grows an apple (gathering). */
  regrowth?: number;
  /** Reward taken from an agent for each fire of the beam (gathering). */
  beamCost?: number;
}

/**
 * The environments modscope ships, by the names `--env` takes: the name table of agents (pipelines take an
 * `Environment`, never a name).
 */
export const ENVIRONMENTS: Readonly<Record<string, (options: EnvironmentOptions) => Environment>> = Object.freeze({
  gathering: ({ regrowth, beamCost }) =>
    createGatheringEnvironment({
      ...(regrowth !== undefined ? { regrowth } : {}),
      ...(beamCost !== undefined ? { beamCost } : {}),
    }),
});

/**
 * The environment `--env <name>` names, made with `options` (`environmentFor('gathering', { regrowth: 0.02 })`).
 * An unknown name, or a setting the environment refuses (a regrowth outside [0, 1]), is a `UsageError` (exit 2);
 * `flag` is the option named in the message.
 */
export function environmentFor(name: string, options: EnvironmentOptions = {}, flag = '--env'): Environment {
  const make = Object.hasOwn(ENVIRONMENTS, name) ? ENVIRONMENTS[name] : undefined;
  const known = Object.keys(ENVIRONMENTS).join(', ');
  if (!make)
    throw new UsageError({
      argument: flag,
      message: `unknown environment '${name}': modscope knows ${known}.`,
      hint: `Use ${flag} ${Object.keys(ENVIRONMENTS)[0]}.`,
    });
  return asUsage(() => make(options));
}
