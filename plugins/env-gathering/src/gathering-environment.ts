import { type Environment, type EnvironmentBehaviour, InvalidArgumentError } from '@modscope/core';
import { GatheringBatch } from './gathering-batch.js';
import { GATHERING_MAP, parseGatheringMap, VIEW_CELLS } from './gathering-map.js';

export interface GatheringOptions {
  /** Probability that an empty apple cell grows an apple in a step, in [0, 1] (default 0.05). */
  regrowth?: number;
  /** Steps in an episode (default 100). */
  episodeLength?: number;
  /** Cells the beam reaches ahead of the shooter, stopped by walls (default 5). */
  beamLength?: number;
  /** Steps a tagged agent stays off the map (default 25). */
  timeout?: number;
  /** Reward taken from the shooter for each fire, ≥ 0 (default 0). */
  beamCost?: number;
  /** The map, one string per row: `#` wall, `.` floor, `@` apple cell, `S` spawn cell (default `GATHERING_MAP`). */
  map?: readonly string[];
}

/** The options used where none are given. Scarcity is about `regrowth: 0.005`, abundance `0.1`. */
export const GATHERING_DEFAULTS = Object.freeze({
  regrowth: 0.05,
  episodeLength: 100,
  beamLength: 5,
  timeout: 25,
  beamCost: 0,
  map: GATHERING_MAP,
});

/** Action names in index order. */
const ACTIONS = Object.freeze(['forward', 'backward', 'left', 'right', 'rotate-left', 'rotate-right', 'stay', 'fire']);
/** Event names in index order (`GatheringBatch` writes them at these offsets). */
const EVENTS = Object.freeze(['apple', 'fire', 'tag', 'tagged']);
/** Flag names (`GatheringBatch.flag` knows each). */
const FLAGS = Object.freeze(['other-in-range', 'apple-visible', 'removed']);

/**
 * The behaviours experiments measure and remove (method §10): aggression (`fire`: the beam when it would hit
 * the other agent), foraging moves (`move`: a step when an apple is in view) and task competence (`collect`:
 * apples per episode).
 */
const GATHERING_BEHAVIOURS: Readonly<Record<string, EnvironmentBehaviour>> = Object.freeze({
  fire: Object.freeze({
    kind: 'action',
    actions: Object.freeze(['fire']),
    flag: 'other-in-range',
    description: 'P(fire | the other agent in beam range)',
  }),
  move: Object.freeze({
    kind: 'action',
    actions: Object.freeze(['forward', 'backward', 'left', 'right']),
    flag: 'apple-visible',
    description: 'P(a step | an apple in view)',
  }),
  collect: Object.freeze({ kind: 'event', event: 'apple', description: 'apples collected per episode' }),
});

function invalid(argument: string, message: string, hint: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message: `@modscope/env-gathering: ${message}`, hint });
}

function integerAtLeast(name: string, value: number, min: number): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min))
    throw invalid(name, `${name} must be an integer ≥ ${min}, got ${String(value)}.`, `Pass a whole number of ${min} or more.`);
  return value;
}

/**
 * The two-agent Gathering game of Leibo et al. (2017) as an `Environment`: agents collect apples (+1 each)
 * that regrow with probability `regrowth` per step, and can fire a beam that removes the other agent for
 * `timeout` steps. Every random choice (spawn cells, facings, regrowth) comes from the batch seed, the game
 * and the episode, so a game's course never depends on the batch size.
 */
export function createGatheringEnvironment(options: GatheringOptions = {}): Environment {
  const o = { ...GATHERING_DEFAULTS, ...options };
  if (!(typeof o.regrowth === 'number' && o.regrowth >= 0 && o.regrowth <= 1))
    throw invalid('regrowth', `regrowth must be a number in [0, 1], got ${String(o.regrowth)}.`, 'Pass a probability per step, e.g. 0.05.');
  if (!(typeof o.beamCost === 'number' && Number.isFinite(o.beamCost) && o.beamCost >= 0))
    throw invalid('beamCost', `beamCost must be a finite number ≥ 0, got ${String(o.beamCost)}.`, 'Pass 0 for a free beam.');
  const rules = {
    regrowth: o.regrowth,
    episodeLength: integerAtLeast('episodeLength', o.episodeLength, 1),
    beamLength: integerAtLeast('beamLength', o.beamLength, 1),
    timeout: integerAtLeast('timeout', o.timeout, 1),
    beamCost: o.beamCost,
  };
  const grid = parseGatheringMap(o.map);
  return {
    specificationVersion: 'v1',
    name: 'gathering',
    agentCount: 2,
    observationSize: 3 * VIEW_CELLS + 1,
    actions: ACTIONS,
    events: EVENTS,
    flags: FLAGS,
    behaviours: GATHERING_BEHAVIOURS,
    episodeLength: rules.episodeLength,
    settings: Object.freeze({ ...rules, map: grid.rows.join('/') }),
    createBatch: ({ games, seed }) => {
      integerAtLeast('games', games, 1);
      if (!(typeof seed === 'number' && Number.isFinite(seed)))
        throw invalid('seed', `seed must be a finite number, got ${String(seed)}.`, 'Pass an integer seed, e.g. 0.');
      return new GatheringBatch(grid, rules, games, seed);
    },
  };
}
