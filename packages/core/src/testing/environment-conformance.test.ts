import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { Environment, EnvironmentBatch } from '../interfaces/environment.js';
import { createRandom, type Random } from '../random.js';
import { environmentConformanceCases } from './environment-conformance.js';

/** What a toy environment gets wrong, one fault at a time. */
interface Faults {
  /** One generator for the whole batch instead of one per game. */
  sharedRandom?: boolean;
  /** Episodes end one step late. */
  longEpisodes?: boolean;
  /** step clears the event counts instead of adding to them. */
  clearsEvents?: boolean;
  /** Unknown flag names read as 0. */
  acceptsUnknownFlags?: boolean;
  /** The text has one line fewer than `height`. */
  shortText?: boolean;
  /** A behaviour names an action the environment does not have. */
  unknownBehaviourAction?: boolean;
}

/**
 * A one-agent random walk on a line of 5 cells with a coin at a random cell: observation [position, coin],
 * actions left/right, reward and event `coin` on reaching the coin, which then moves to a random cell.
 */
function toyEnvironment(faults: Faults = {}): Environment {
  const fail = (message: string) => new InvalidArgumentError({ argument: 'x', message });
  const episodeLength = 6;
  return {
    specificationVersion: 'v1',
    name: 'toy',
    agentCount: 1,
    observationSize: 2,
    actions: ['left', 'right'],
    events: ['coin'],
    flags: ['at-edge'],
    behaviours: {
      hug: {
        kind: 'action',
        actions: [faults.unknownBehaviourAction ? 'jump' : 'left'],
        flag: 'at-edge',
        description: 'P(left | at an edge)',
      },
      collect: { kind: 'event', event: 'coin', description: 'coins per episode' },
    },
    episodeLength,
    settings: {},
    createBatch: ({ games, seed }): EnvironmentBatch => {
      const shared = createRandom(seed);
      const random: Random[] = Array.from({ length: games }, (_, g) => (faults.sharedRandom ? shared : createRandom(seed).fork(g)));
      const position = new Int32Array(games);
      const coin = random.map((r) => r.int(5));
      let time = 0;
      return {
        games,
        observe: (into) => {
          for (let g = 0; g < games; g++) [into[2 * g], into[2 * g + 1]] = [position[g]!, coin[g]!];
        },
        flag: (name, into) => {
          if (name !== 'at-edge' && !faults.acceptsUnknownFlags) throw fail(`unknown flag ${name}`);
          for (let g = 0; g < games; g++) into[g] = position[g] === 0 || position[g] === 4 ? 1 : 0;
        },
        step: (actions, rewards, events) => {
          if (actions.length !== games) throw fail('wrong length');
          for (const a of actions) if (a !== 0 && a !== 1) throw fail('bad action');
          if (faults.clearsEvents) events.fill(0);
          for (let g = 0; g < games; g++) {
            position[g] = Math.max(0, Math.min(4, position[g]! + (actions[g] === 1 ? 1 : -1)));
            rewards[g] = position[g] === coin[g] ? 1 : 0;
            if (position[g] === coin[g]) {
              events[g]! += 1;
              coin[g] = random[g]!.int(5);
            }
          }
          if (++time < episodeLength + (faults.longEpisodes ? 1 : 0)) return false;
          time = 0;
          position.fill(0);
          return true;
        },
        render: () => ({
          text: faults.shortText ? '.....' : '.....\n.....',
          legend: { '.': 'cell' },
          width: 5,
          height: 2,
          rgb: new Uint8Array(30),
        }),
      };
    },
  };
}

/** Names of the cases that fail for `environment`. */
async function failing(environment: Environment): Promise<string[]> {
  const names: string[] = [];
  for (const c of environmentConformanceCases({ environment })) {
    try {
      await c.run();
    } catch {
      names.push(c.name);
    }
  }
  return names;
}

describe('environmentConformanceCases', () => {
  it('passes a correct environment', async () => {
    expect(await failing(toyEnvironment())).toEqual([]);
  });

  const faults: [keyof Faults, RegExp][] = [
    ['sharedRandom', /does not depend on the batch size/],
    ['longEpisodes', /returns true exactly every episodeLength/],
    ['clearsEvents', /events accumulate/],
    ['acceptsUnknownFlags', /refuses unknown flag names/],
    ['shortText', /render gives text of height lines/],
    ['unknownBehaviourAction', /every behaviour names actions/],
  ];
  for (const [fault, name] of faults)
    it(`fails an environment with the fault '${fault}' in exactly the case that checks it`, async () => {
      const names = await failing(toyEnvironment({ [fault]: true }));
      expect(names).toHaveLength(1);
      expect(names[0]).toMatch(name);
    });
});
