import { createRandom, type Environment, type EnvironmentBatch, type Random } from '@modscope/core';

/** Settings of the toy corridor. */
export interface CorridorOptions {
  /** (number, default 7) — cells in each agent's corridor. */
  length?: number;
  /** (number, default 18) — steps per episode. */
  episodeLength?: number;
  /** (boolean, default false) — start each agent in a random non-goal cell instead of the middle. */
  randomStarts?: boolean;
}

const ACTIONS = ['left', 'right', 'stay'] as const;

/**
 * A two-agent toy: each agent walks its own corridor of `length` cells (walls at both ends). Agent 0's goal is
 * the right end, agent 1's the left end: stepping onto it gives reward 1 and a `goal` event and puts the agent
 * back at its start (the middle cell, or a random non-goal cell). Every change of cell is a `move` event. An
 * agent observes its own cell and the other's, one-hot (2 × length values). Flags: `next-to-goal` (one step
 * from its goal) and `at-start` (in the middle cell). A random policy reaches the goal rarely; the best one
 * walks straight to it.
 */
export function createCorridor(options: CorridorOptions = {}): Environment {
  const length = options.length ?? 7;
  const episodeLength = options.episodeLength ?? 18;
  const randomStarts = options.randomStarts ?? false;
  const middle = Math.floor(length / 2);
  const goalOf = (agent: number) => (agent === 0 ? length - 1 : 0);
  const startOf = (agent: number, random: Random) => {
    if (!randomStarts) return middle;
    const cell = 1 + random.int(length - 1); // 1 … length − 1: every cell but one end
    return agent === 0 ? cell - 1 : cell; // agent 0 never starts on the right end, agent 1 never on the left
  };
  return {
    specificationVersion: 'v1',
    name: 'corridor',
    agentCount: 2,
    observationSize: 2 * length,
    actions: ACTIONS,
    events: ['goal', 'move'],
    flags: ['next-to-goal', 'at-start'],
    episodeLength,
    settings: { length, randomStarts },
    createBatch({ games, seed }): EnvironmentBatch {
      const randoms = Array.from({ length: games }, (_, g) => createRandom(seed).fork(g));
      const cells = new Int32Array(games * 2);
      const reset = () => {
        for (let g = 0; g < games; g++) for (let a = 0; a < 2; a++) cells[g * 2 + a] = startOf(a, randoms[g]!);
      };
      reset();
      let t = 0;
      return {
        games,
        observe(into) {
          into.fill(0, 0, games * 2 * 2 * length);
          for (let g = 0; g < games; g++)
            for (let a = 0; a < 2; a++) {
              const row = (g * 2 + a) * 2 * length;
              into[row + cells[g * 2 + a]!] = 1;
              into[row + length + cells[g * 2 + (1 - a)]!] = 1;
            }
        },
        flag(name, into) {
          for (let g = 0; g < games; g++)
            for (let a = 0; a < 2; a++) {
              const cell = cells[g * 2 + a]!;
              into[g * 2 + a] = (name === 'next-to-goal' ? Math.abs(cell - goalOf(a)) === 1 : cell === middle) ? 1 : 0;
            }
        },
        step(actions, rewards, events) {
          for (let g = 0; g < games; g++)
            for (let a = 0; a < 2; a++) {
              const i = g * 2 + a;
              const cell = cells[i]!;
              const action = ACTIONS[actions[i]!]!;
              const next = action === 'left' ? Math.max(0, cell - 1) : action === 'right' ? Math.min(length - 1, cell + 1) : cell;
              rewards[i] = 0;
              if (next !== cell) events[i * 2 + 1]! += 1;
              if (next === goalOf(a)) {
                rewards[i] = 1;
                events[i * 2]! += 1;
                cells[i] = startOf(a, randoms[g]!);
              } else {
                cells[i] = next;
              }
            }
          t++;
          if (t < episodeLength) return false;
          t = 0;
          reset();
          return true;
        },
        render(game) {
          const row = (a: number) => Array.from({ length }, (_, c) => (cells[game * 2 + a] === c ? String(a) : '.')).join('');
          const text = `${row(0)}\n${row(1)}`;
          return {
            text,
            legend: { '0': 'agent 0', '1': 'agent 1', '.': 'empty' },
            width: length,
            height: 2,
            rgb: new Uint8Array(length * 2 * 3),
          };
        },
      };
    },
  };
}
