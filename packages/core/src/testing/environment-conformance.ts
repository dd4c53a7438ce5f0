import type { Environment, EnvironmentBatch } from '../interfaces/environment.js';
import { createRandom } from '../random.js';
import { check, checkRejects, type ConformanceCase } from './conformance-case.js';

export interface EnvironmentConformanceOptions {
  environment: Environment;
  /** Steps of the random-action runs that are compared (default: two episodes and 10 steps, at most 250). */
  steps?: number;
}

/** Everything one run of a batch produced, game by game, step by step. */
interface Trajectory {
  /** Per step: observations, rewards, events (after the step) and flags of every game, in batch layout. */
  observations: Float32Array[];
  rewards: Float32Array[];
  events: Float32Array[];
  flags: Uint8Array[];
  ends: boolean[];
}

/** Action of each agent of game `game` at each step, from stream `stream`: the same for a game whatever the batch size. */
function gameActions(environment: Environment, game: number, steps: number, stream: number): Int32Array {
  const random = createRandom(stream).fork(game);
  const actions = new Int32Array(steps * environment.agentCount);
  for (let i = 0; i < actions.length; i++) actions[i] = random.int(environment.actions.length);
  return actions;
}

/**
 * Steps a batch of `games` games with each game's random actions and records everything it reports. With
 * `othersDiffer`, games other than 0 and 2 take other actions (which must not change games 0 and 2).
 */
function run(environment: Environment, games: number, seed: number, steps: number, othersDiffer = false): Trajectory {
  const { agentCount, observationSize, events, flags } = environment;
  const agents = games * agentCount;
  const batch = environment.createBatch({ games, seed });
  const perGame = Array.from({ length: games }, (_, g) => gameActions(environment, g, steps, othersDiffer && g !== 0 && g !== 2 ? 98 : 97));
  const t: Trajectory = { observations: [], rewards: [], events: [], flags: [], ends: [] };
  const eventCounts = new Float32Array(agents * events.length);
  const record = () => {
    const o = new Float32Array(agents * observationSize);
    batch.observe(o);
    t.observations.push(o);
    const f = new Uint8Array(agents * flags.length);
    const one = new Uint8Array(agents);
    flags.forEach((name, k) => {
      batch.flag(name, one);
      f.set(one, k * agents);
    });
    t.flags.push(f);
  };
  record();
  const actions = new Int32Array(agents);
  for (let s = 0; s < steps; s++) {
    for (let g = 0; g < games; g++) actions.set(perGame[g]!.subarray(s * agentCount, (s + 1) * agentCount), g * agentCount);
    const rewards = new Float32Array(agents);
    t.ends.push(batch.step(actions, rewards, eventCounts));
    t.rewards.push(rewards);
    t.events.push(eventCounts.slice());
    record();
  }
  return t;
}

/** Game `game`'s part of a batch-layout array of `per` values per game. */
function gamePart(values: ArrayLike<number>, game: number, per: number): number[] {
  return Array.from({ length: per }, (_, i) => values[game * per + i]!);
}

/** The first step at which game `ga` of `a` and game `gb` of `b` differ, described, or null. */
function firstDifference(env: Environment, a: Trajectory, ga: number, b: Trajectory, gb: number): string | null {
  const agents = env.agentCount;
  const parts: [string, (t: Trajectory) => ArrayLike<number>[], number][] = [
    ['observations', (t) => t.observations, agents * env.observationSize],
    ['rewards', (t) => t.rewards, agents],
    ['events', (t) => t.events, agents * env.events.length],
  ];
  for (const [what, get, per] of parts) {
    const sa = get(a);
    const sb = get(b);
    for (let s = 0; s < sa.length; s++) {
      const x = gamePart(sa[s]!, ga, per);
      const y = gamePart(sb[s]!, gb, per);
      const i = x.findIndex((v, j) => !Object.is(v, y[j]));
      if (i >= 0) return `${what} differ at step ${s}, value ${i}: ${x[i]} vs ${y[i]}`;
    }
  }
  return null;
}

/** Checks that `names` are non-empty, distinct strings. */
function checkNames(what: string, names: readonly string[], atLeastOne: boolean): void {
  check(Array.isArray(names), `${what} is not an array`);
  if (atLeastOne) check(names.length > 0, `there are no ${what}`);
  for (const n of names) check(typeof n === 'string' && n.length > 0, `${what} has an empty or non-string name: ${JSON.stringify(n)}`);
  check(new Set(names).size === names.length, `${what} has duplicate names: ${names.join(', ')}`);
}

/**
 * Checks an `Environment`: a v1 environment with a name and whole-number sizes; action, event and flag
 * names non-empty and distinct; behaviours that name its own actions, flags and events; observations of `observationSize` finite values per agent; the same seed
 * gives the same observations, rewards, events and flags over random-action steps; game g's course does
 * not depend on the batch size; events accumulate; episodes end exactly every `episodeLength` steps;
 * frames have text and RGB of the sizes they state and a legend for every character; unknown flags, action
 * arrays of the wrong length and action indices out of range are refused with `invalid-argument`.
 */
export function environmentConformanceCases(options: EnvironmentConformanceOptions): ConformanceCase[] {
  const { environment: env } = options;
  const steps = options.steps ?? Math.min(2 * env.episodeLength + 10, 250);
  const name = env.name;
  const blank = (batch: EnvironmentBatch) => ({
    actions: new Int32Array(batch.games * env.agentCount),
    rewards: new Float32Array(batch.games * env.agentCount),
    events: new Float32Array(batch.games * env.agentCount * env.events.length),
  });
  return [
    {
      name: `${name}: is a v1 environment with a name and whole-number sizes`,
      run: async () => {
        check(env.specificationVersion === 'v1', `specificationVersion is '${String(env.specificationVersion)}', not 'v1'`);
        check(typeof env.name === 'string' && env.name.length > 0, 'the environment has no name');
        for (const [what, value] of [
          ['agentCount', env.agentCount],
          ['observationSize', env.observationSize],
          ['episodeLength', env.episodeLength],
        ] as const)
          check(Number.isInteger(value) && value >= 1, `${what} is ${value}, not an integer ≥ 1`);
        check(typeof env.settings === 'object' && env.settings !== null, 'settings is not an object');
      },
    },
    {
      name: `${name}: action, event and flag names are non-empty and distinct`,
      run: async () => {
        checkNames('actions', env.actions, true);
        checkNames('events', env.events, false);
        checkNames('flags', env.flags, false);
      },
    },
    {
      name: `${name}: every behaviour names actions, a flag or an event the environment has`,
      run: async () => {
        for (const [behaviour, b] of Object.entries(env.behaviours ?? {})) {
          check(typeof b.description === 'string' && b.description.length > 0, `behaviour '${behaviour}' has no description`);
          if (b.kind === 'action') {
            check(b.actions.length > 0, `behaviour '${behaviour}' names no action`);
            for (const a of b.actions)
              check(env.actions.includes(a), `behaviour '${behaviour}' names action '${a}', which is not one of the actions`);
            check(
              b.flag === null || env.flags.includes(b.flag),
              `behaviour '${behaviour}' names flag '${b.flag}', which is not one of the flags`,
            );
          } else {
            check(
              b.kind === 'event',
              `behaviour '${behaviour}' is of kind '${String((b as { kind: unknown }).kind)}', not 'action' or 'event'`,
            );
            check(env.events.includes(b.event), `behaviour '${behaviour}' names event '${b.event}', which is not one of the events`);
          }
        }
      },
    },
    {
      name: `${name}: observe writes observationSize finite values per agent, and every flag is 0 or 1`,
      run: async () => {
        const batch = env.createBatch({ games: 3, seed: 1 });
        check(batch.games === 3, `a batch made for 3 games reports ${batch.games}`);
        const agents = 3 * env.agentCount;
        const o = new Float32Array(agents * env.observationSize).fill(Number.NaN);
        batch.observe(o);
        const bad = o.findIndex((v) => !Number.isFinite(v));
        check(bad < 0, `observation value ${bad} of ${o.length} is not a finite number (${o[bad]})`);
        for (const f of env.flags) {
          const into = new Uint8Array(agents).fill(7);
          batch.flag(f, into);
          check(
            into.every((v) => v === 0 || v === 1),
            `flag '${f}' wrote values other than 0 and 1: ${[...into].join(', ')}`,
          );
        }
      },
    },
    {
      name: `${name}: the same seed gives the same observations, rewards, events and flags over ${steps} random-action steps`,
      run: async () => {
        const a = run(env, 3, 5, steps);
        const b = run(env, 3, 5, steps);
        for (let g = 0; g < 3; g++) {
          const d = firstDifference(env, a, g, b, g);
          check(d === null, `two batches with seed 5, game ${g}: ${d}`);
        }
        const fa = a.flags.map((f) => f.join(','));
        const fb = b.flags.map((f) => f.join(','));
        const s = fa.findIndex((f, i) => f !== fb[i]);
        check(s < 0, `two batches with seed 5: flags differ after step ${s}`);
        const rewardsFinite = a.rewards.every((r) => r.every(Number.isFinite));
        check(rewardsFinite, 'a reward is not a finite number');
      },
    },
    {
      name: `${name}: game g's course does not depend on the batch size or on the other games' actions`,
      run: async () => {
        const one = run(env, 1, 9, steps);
        const three = run(env, 3, 9, steps);
        const five = run(env, 5, 9, steps, true);
        const d0 = firstDifference(env, one, 0, five, 0);
        check(d0 === null, `game 0 of a 1-game batch and of a 5-game batch (seed 9, same actions in game 0): ${d0}`);
        const d2 = firstDifference(env, three, 2, five, 2);
        check(d2 === null, `game 2 of a 3-game batch and of a 5-game batch (seed 9, same actions in game 2): ${d2}`);
      },
    },
    {
      name: `${name}: events accumulate (step only adds non-negative counts)`,
      run: async () => {
        const batch = env.createBatch({ games: 2, seed: 3 });
        const { actions, rewards, events } = blank(batch);
        events.fill(0.5);
        const random = createRandom(4);
        let before = events.slice();
        for (let s = 0; s < steps; s++) {
          for (let i = 0; i < actions.length; i++) actions[i] = random.int(env.actions.length);
          batch.step(actions, rewards, events);
          const i = events.findIndex((v, j) => !(v >= before[j]!));
          check(i < 0, `step ${s}: event count ${i} went from ${before[i]} to ${events[i]}; step must add to the counts, never clear them`);
          before = events.slice();
        }
      },
    },
    {
      name: `${name}: step returns true exactly every episodeLength (${env.episodeLength}) steps`,
      run: async () => {
        const batch = env.createBatch({ games: 2, seed: 2 });
        const { actions, rewards, events } = blank(batch);
        const random = createRandom(6);
        for (let s = 1; s <= 2 * env.episodeLength + 1; s++) {
          for (let i = 0; i < actions.length; i++) actions[i] = random.int(env.actions.length);
          const ended = batch.step(actions, rewards, events);
          check(ended === (s % env.episodeLength === 0), `step ${s} returned ${ended}`);
        }
      },
    },
    {
      name: `${name}: render gives text of height lines of width characters, width × height × 3 RGB bytes and a legend for every character`,
      run: async () => {
        const batch = env.createBatch({ games: 2, seed: 8 });
        const { actions, rewards, events } = blank(batch);
        for (let s = 0; s < 3; s++) {
          for (const game of [0, 1]) {
            const frame = batch.render(game);
            const where = `game ${game} after ${s} steps`;
            check(Number.isInteger(frame.width) && frame.width >= 1, `${where}: width ${frame.width}`);
            check(Number.isInteger(frame.height) && frame.height >= 1, `${where}: height ${frame.height}`);
            const lines = frame.text.split('\n');
            check(lines.length === frame.height, `${where}: ${lines.length} text lines for height ${frame.height}`);
            for (const line of lines) {
              const characters = [...line];
              check(characters.length === frame.width, `${where}: a text line of ${characters.length} characters for width ${frame.width}`);
              for (const c of characters) check(c in frame.legend, `${where}: the legend does not say what '${c}' is`);
            }
            check(frame.rgb instanceof Uint8Array, `${where}: rgb is not a Uint8Array`);
            check(
              frame.rgb.length === frame.width * frame.height * 3,
              `${where}: ${frame.rgb.length} RGB bytes for ${frame.width} × ${frame.height} × 3`,
            );
          }
          actions.fill(s % env.actions.length);
          batch.step(actions, rewards, events);
        }
      },
    },
    {
      name: `${name}: refuses unknown flag names, action arrays of the wrong length and action indices out of range`,
      run: async () => {
        const batch = env.createBatch({ games: 2, seed: 0 });
        const { actions, rewards, events } = blank(batch);
        await checkRejects(
          () => batch.flag('no-such-flag', new Uint8Array(2 * env.agentCount)),
          'invalid-argument',
          "flag('no-such-flag')",
        );
        await checkRejects(
          () => batch.step(new Int32Array(actions.length + 1), rewards, events),
          'invalid-argument',
          `step with ${actions.length + 1} actions for ${actions.length} agents`,
        );
        for (const bad of [-1, env.actions.length]) {
          actions.fill(0);
          actions[1] = bad;
          await checkRejects(() => batch.step(actions, rewards, events), 'invalid-argument', `step with action index ${bad}`);
        }
      },
    },
  ];
}
