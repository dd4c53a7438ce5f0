import { createRandom } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import type { GatheringBatch } from './gathering-batch.js';
import { createGatheringEnvironment, type GatheringOptions } from './gathering-environment.js';

// A small map for hand-built states: spawn cells at (1,1), (7,1), (1,5), (7,5); one apple cell at (4,3).
const MAP = ['#########', '#S.....S#', '#.......#', '#...@...#', '#.......#', '#S.....S#', '#########'];
const [FORWARD, BACKWARD, LEFT, RIGHT, ROTATE_LEFT, ROTATE_RIGHT, STAY, FIRE] = [0, 1, 2, 3, 4, 5, 6, 7];
const [N, E, S, W] = [0, 1, 2, 3];
const [APPLE, FIRED, TAG, TAGGED] = [0, 1, 2, 3];
const OBSERVATION = 3 * 49 + 1;

/** A one-game batch on `MAP` (no regrowth unless asked), with helpers to act and read. */
function game(options: GatheringOptions = {}, seed = 0) {
  const env = createGatheringEnvironment({ map: MAP, regrowth: 0, ...options });
  const batch = env.createBatch({ games: 1, seed }) as GatheringBatch;
  const events = new Float32Array(2 * 4);
  const rewards = new Float32Array(2);
  return {
    env,
    batch,
    events,
    rewards,
    /** Steps with agent 0 doing `a0` and agent 1 `a1`; returns whether the episode ended. */
    step(a0: number, a1: number): boolean {
      return batch.step(Int32Array.from([a0, a1]), rewards, events);
    },
    at(agent: number): [number, number, number] {
      const a = batch.agent(0, agent);
      return [a.x, a.y, a.facing];
    },
    event(agent: number, event: number): number {
      return events[agent * 4 + event]!;
    },
    observation(agent: number): Float32Array {
      const o = new Float32Array(2 * OBSERVATION);
      batch.observe(o);
      return o.subarray(agent * OBSERVATION, (agent + 1) * OBSERVATION);
    },
    flag(name: string): number[] {
      const into = new Uint8Array(2);
      batch.flag(name, into);
      return [...into];
    },
  };
}

describe('gathering: movement', () => {
  it('steps forward one cell in the facing direction', () => {
    const expected: Record<number, [number, number]> = { [N]: [3, 1], [E]: [4, 2], [S]: [3, 3], [W]: [2, 2] };
    for (const facing of [N, E, S, W]) {
      const g = game();
      g.batch.setAgent(0, 0, 3, 2, facing);
      g.batch.setAgent(0, 1, 7, 5, N);
      g.step(FORWARD, STAY);
      expect(g.at(0)).toEqual([...expected[facing]!, facing]);
      expect(g.at(1)).toEqual([7, 5, N]);
    }
  });

  it('steps backward and strafes left and right relative to the facing, without turning', () => {
    const cases: [number, number, [number, number]][] = [
      [E, BACKWARD, [2, 2]],
      [E, LEFT, [3, 1]],
      [E, RIGHT, [3, 3]],
      [N, LEFT, [2, 2]],
      [N, RIGHT, [4, 2]],
      [S, LEFT, [4, 2]],
      [W, BACKWARD, [4, 2]],
      [W, RIGHT, [3, 1]],
    ];
    for (const [facing, action, [x, y]] of cases) {
      const g = game();
      g.batch.setAgent(0, 0, 3, 2, facing);
      g.batch.setAgent(0, 1, 7, 5, N);
      g.step(action, STAY);
      expect(g.at(0), `facing ${facing}, action ${action}`).toEqual([x, y, facing]);
    }
  });

  it('rotates left and right in place; four right turns come back', () => {
    const g = game();
    g.batch.setAgent(0, 0, 3, 2, N);
    g.batch.setAgent(0, 1, 7, 5, N);
    g.step(ROTATE_LEFT, ROTATE_RIGHT);
    expect(g.at(0)).toEqual([3, 2, W]);
    expect(g.at(1)).toEqual([7, 5, E]);
    g.step(ROTATE_LEFT, ROTATE_RIGHT);
    expect(g.at(0)).toEqual([3, 2, S]);
    for (let i = 0; i < 3; i++) g.step(STAY, ROTATE_RIGHT);
    expect(g.at(1)).toEqual([7, 5, E]);
  });

  it('does not move into walls', () => {
    const g = game();
    g.batch.setAgent(0, 0, 1, 1, N);
    g.batch.setAgent(0, 1, 7, 5, S);
    g.step(FORWARD, FORWARD);
    expect(g.at(0)).toEqual([1, 1, N]);
    expect(g.at(1)).toEqual([7, 5, S]);
    g.step(RIGHT, LEFT); // agent 0 strafes east (free), agent 1 facing south strafes east (wall)
    expect(g.at(0)).toEqual([2, 1, N]);
    expect(g.at(1)).toEqual([7, 5, S]);
  });

  it('does not move into the cell the other agent stands on, even when it moves away', () => {
    const g = game();
    g.batch.setAgent(0, 0, 2, 2, E);
    g.batch.setAgent(0, 1, 3, 2, E);
    g.step(FORWARD, FORWARD);
    expect(g.at(0)).toEqual([2, 2, E]);
    expect(g.at(1)).toEqual([4, 2, E]);
    g.step(FORWARD, STAY);
    expect(g.at(0)).toEqual([3, 2, E]);
  });

  it('does not swap two agents walking into each other', () => {
    const g = game();
    g.batch.setAgent(0, 0, 2, 2, E);
    g.batch.setAgent(0, 1, 3, 2, W);
    g.step(FORWARD, FORWARD);
    expect(g.at(0)).toEqual([2, 2, E]);
    expect(g.at(1)).toEqual([3, 2, W]);
  });

  it('lets exactly one of two agents into a cell both move to, chosen by the seed', () => {
    const winners = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      const outcome = () => {
        const g = game({}, seed);
        g.batch.setAgent(0, 0, 2, 2, E);
        g.batch.setAgent(0, 1, 4, 2, W);
        g.step(FORWARD, FORWARD);
        const moved = [g.at(0)[0] === 3, g.at(1)[0] === 3];
        expect(moved.filter(Boolean)).toHaveLength(1);
        expect(g.at(moved[0] ? 1 : 0)[0]).toBe(moved[0] ? 4 : 2);
        return moved[0] ? 0 : 1;
      };
      const winner = outcome();
      expect(outcome()).toBe(winner);
      winners.add(winner);
    }
    expect([...winners].sort()).toEqual([0, 1]);
  });

  it('moves freely through the cell of an agent that is off the map', () => {
    const g = game({ timeout: 10 });
    g.batch.setAgent(0, 0, 2, 2, E);
    g.batch.setAgent(0, 1, 3, 2, E);
    g.batch.removeAgent(0, 1, 10);
    g.step(FORWARD, STAY);
    expect(g.at(0)).toEqual([3, 2, E]);
  });
});

describe('gathering: apples', () => {
  it('gives +1 and an apple event to the agent that steps on an apple, which then is gone', () => {
    const g = game();
    g.batch.setAgent(0, 0, 3, 3, E);
    g.batch.setAgent(0, 1, 7, 5, N);
    expect(g.batch.appleCount(0)).toBe(1);
    g.step(FORWARD, STAY);
    expect([...g.rewards]).toEqual([1, 0]);
    expect([g.event(0, APPLE), g.event(1, APPLE)]).toEqual([1, 0]);
    expect(g.batch.appleCount(0)).toBe(0);
    g.step(BACKWARD, STAY);
    g.step(FORWARD, STAY);
    expect([...g.rewards]).toEqual([0, 0]);
    expect(g.event(0, APPLE)).toBe(1);
  });

  it('never regrows apples at regrowth 0', () => {
    const env = createGatheringEnvironment({ regrowth: 0 });
    const batch = env.createBatch({ games: 4, seed: 3 }) as GatheringBatch;
    const rewards = new Float32Array(8);
    const events = new Float32Array(32);
    const stay = new Int32Array(8).fill(STAY);
    for (let g = 0; g < 4; g++) for (let x = 0; x < 17; x++) for (let y = 0; y < 9; y++) batch.setApple(g, x, y, false);
    for (let s = 0; s < 99; s++) batch.step(stay, rewards, events);
    for (let g = 0; g < 4; g++) expect(batch.appleCount(g)).toBe(0);
  });

  it('regrows each empty apple cell with probability regrowth per step (0.3: within 4 standard errors over 6,500 cells)', () => {
    const regrowth = 0.3;
    const env = createGatheringEnvironment({ regrowth, episodeLength: 1000 });
    const batch = env.createBatch({ games: 1, seed: 11 }) as GatheringBatch;
    const rewards = new Float32Array(2);
    const events = new Float32Array(8);
    const stay = new Int32Array(2).fill(STAY);
    batch.setAgent(0, 0, 1, 1, N);
    batch.setAgent(0, 1, 15, 7, N);
    let grown = 0;
    const steps = 500;
    for (let s = 0; s < steps; s++) {
      for (let x = 0; x < 17; x++) for (let y = 0; y < 9; y++) batch.setApple(0, x, y, false);
      batch.step(stay, rewards, events);
      grown += batch.appleCount(0);
    }
    const trials = 13 * steps;
    const rate = grown / trials;
    expect(Math.abs(rate - regrowth)).toBeLessThan(4 * Math.sqrt((regrowth * (1 - regrowth)) / trials));
  });

  it('regrows every empty apple cell at regrowth 1, except under an agent', () => {
    for (const agent of [0, 1]) {
      const g = game({ regrowth: 1 });
      const act = (action: number) => (agent === 0 ? g.step(action, STAY) : g.step(STAY, action));
      g.batch.setAgent(0, agent, 3, 3, E);
      g.batch.setAgent(0, 1 - agent, 7, 5, N);
      act(FORWARD);
      expect(g.rewards[agent]).toBe(1);
      expect(g.batch.appleCount(0)).toBe(0); // the agent stands on the apple cell
      act(STAY);
      expect(g.batch.appleCount(0)).toBe(0);
      expect(g.rewards[agent]).toBe(0);
      act(FORWARD);
      expect(g.batch.appleCount(0)).toBe(1);
      act(BACKWARD);
      expect(g.rewards[agent]).toBe(1);
    }
  });

  it('makes apples scarcer at lower regrowth over a default episode of random play', () => {
    const applesOnMap = (regrowth: number) => {
      const env = createGatheringEnvironment({ regrowth });
      const batch = env.createBatch({ games: 16, seed: 1 }) as GatheringBatch;
      const rewards = new Float32Array(32);
      const events = new Float32Array(128);
      const actions = new Int32Array(32);
      const random = createRandom(0);
      for (let s = 0; s < env.episodeLength - 1; s++) {
        for (let i = 0; i < 32; i++) actions[i] = random.int(4); // moves only
        // every other step, take the 9 apples of the diamond's upper rows away, as foraging agents would
        for (let g = 0; g < 16; g++)
          if (s % 2 === 0) for (let y = 2; y <= 4; y++) for (let c = 6; c <= 10; c++) batch.setApple(g, c, y, false);
        batch.step(actions, rewards, events);
      }
      let total = 0;
      for (let g = 0; g < 16; g++) total += batch.appleCount(g);
      return total / 16;
    };
    const scarce = applesOnMap(0.005);
    const abundant = applesOnMap(0.3);
    expect(abundant).toBeGreaterThan(scarce + 4);
  });
});

describe('gathering: beam', () => {
  it('tags the other agent within beamLength cells straight ahead: fire and tag for the shooter, tagged for the victim', () => {
    const g = game({ timeout: 4 });
    g.batch.setAgent(0, 0, 1, 2, E);
    g.batch.setAgent(0, 1, 6, 2, N); // 5 cells ahead
    g.step(FIRE, STAY);
    expect([g.event(0, FIRED), g.event(0, TAG), g.event(0, TAGGED)]).toEqual([1, 1, 0]);
    expect([g.event(1, FIRED), g.event(1, TAG), g.event(1, TAGGED)]).toEqual([0, 0, 1]);
    expect(g.batch.agent(0, 1).removed).toBe(4);
    expect(g.flag('removed')).toEqual([0, 1]);
    expect([...g.rewards]).toEqual([0, 0]);
  });

  it('misses beyond beamLength, and reaches further with a longer beam', () => {
    for (const [beamLength, tagged] of [
      [5, 0],
      [6, 1],
    ] as const) {
      const g = game({ beamLength });
      g.batch.setAgent(0, 0, 1, 2, E);
      g.batch.setAgent(0, 1, 7, 2, N); // 6 cells ahead
      g.step(FIRE, STAY);
      expect(g.event(0, FIRED)).toBe(1);
      expect(g.event(1, TAGGED)).toBe(tagged);
      expect(g.batch.agent(0, 1).removed > 0).toBe(tagged === 1);
    }
  });

  it('fires only ahead: an agent beside or behind is not hit', () => {
    for (const [x, y] of [
      [3, 1],
      [3, 3],
      [1, 2],
    ]) {
      const g = game();
      g.batch.setAgent(0, 0, 2, 2, E);
      g.batch.setAgent(0, 1, x!, y!, N);
      g.step(FIRE, STAY);
      expect(g.event(0, FIRED)).toBe(1);
      expect(g.event(0, TAG)).toBe(0);
    }
  });

  it('is stopped by walls', () => {
    const walled = ['#########', '#S.....S#', '#...#...#', '#.......#', '#S.....S#', '#########'];
    for (const [map, hit] of [
      [walled, 0],
      [MAP, 1],
    ] as const) {
      const g = game({ map });
      g.batch.setAgent(0, 0, 2, 2, E);
      g.batch.setAgent(0, 1, 5, 2, N); // 3 cells ahead, the wall (if any) at 2
      expect(g.flag('other-in-range')).toEqual([hit, 0]);
      g.step(FIRE, STAY);
      expect(g.event(0, TAG)).toBe(hit);
    }
  });

  it('tags both agents when they fire at each other in the same step', () => {
    const g = game();
    g.batch.setAgent(0, 0, 2, 2, E);
    g.batch.setAgent(0, 1, 5, 2, W);
    g.step(FIRE, FIRE);
    for (const agent of [0, 1]) expect([g.event(agent, FIRED), g.event(agent, TAG), g.event(agent, TAGGED)]).toEqual([1, 1, 1]);
    expect(g.flag('removed')).toEqual([1, 1]);
  });

  it('traces the beam from where the shooter stands after the moves of the step', () => {
    const g = game();
    g.batch.setAgent(0, 0, 2, 2, E);
    g.batch.setAgent(0, 1, 5, 1, S);
    g.step(FIRE, FORWARD); // agent 1 steps south into the beam
    expect(g.event(0, TAG)).toBe(1);
  });

  it('costs the shooter beamCost per fire, hit or miss, and nothing by default', () => {
    for (const beamCost of [0, 0.25]) {
      const g = game({ beamCost });
      g.batch.setAgent(0, 0, 2, 2, N);
      g.batch.setAgent(0, 1, 5, 2, W);
      g.step(FIRE, STAY); // a miss
      expect(g.rewards[0]).toBeCloseTo(-beamCost);
      g.step(STAY, FIRE); // agent 1 hits agent 0
      expect(g.rewards[1]).toBeCloseTo(-beamCost);
      expect(g.rewards[0]).toBe(0);
    }
  });
});

describe('gathering: removal', () => {
  it('keeps a tagged agent off the map for exactly timeout steps, then puts it on a free spawn cell', () => {
    const g = game({ timeout: 3 });
    g.batch.setAgent(0, 0, 1, 1, S);
    g.batch.setAgent(0, 1, 1, 4, N);
    g.step(FIRE, STAY);
    expect(g.flag('removed')).toEqual([0, 1]);
    g.step(STAY, FORWARD);
    g.step(STAY, FORWARD);
    expect(g.flag('removed')).toEqual([0, 1]);
    g.step(STAY, FORWARD);
    expect(g.flag('removed')).toEqual([0, 0]);
    const [x, y] = g.at(1);
    expect(MAP[y]![x]).toBe('S');
    expect([x, y]).not.toEqual([1, 1]);
  });

  it('never respawns an agent on the cell where the other stands', () => {
    const twoSpawns = ['#####', '#S.S#', '#...#', '#####'];
    for (let seed = 0; seed < 10; seed++) {
      const g = game({ map: twoSpawns, timeout: 1 }, seed);
      g.batch.setAgent(0, 0, 2, 2, N);
      g.batch.setAgent(0, 1, 3, 1, W); // on spawn cell (3, 1)
      g.step(FORWARD, FIRE); // agent 0 steps into the beam at (2, 1)
      expect(g.flag('removed')).toEqual([1, 0]);
      g.step(STAY, STAY);
      expect(g.flag('removed')).toEqual([0, 0]);
      expect(g.at(0).slice(0, 2)).toEqual([1, 1]);
    }
  });

  it('ignores the actions of an agent off the map and gives it reward 0 and no events', () => {
    const g = game({ timeout: 5, beamCost: 1 });
    g.batch.setAgent(0, 0, 2, 2, E);
    g.batch.setAgent(0, 1, 3, 3, E); // next to the apple
    g.batch.removeAgent(0, 1, 5);
    g.step(STAY, FIRE);
    expect(g.rewards[1]).toBe(0);
    g.step(STAY, FORWARD);
    expect(g.rewards[1]).toBe(0);
    expect([...g.events.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(g.batch.appleCount(0)).toBe(1);
  });

  it('shows an agent off the map a blank view with its removed value set, and clears its flags', () => {
    const g = game({ timeout: 5 });
    g.batch.setAgent(0, 0, 3, 2, S);
    g.batch.setAgent(0, 1, 3, 4, N);
    expect(g.flag('other-in-range')).toEqual([1, 1]);
    expect(g.flag('apple-visible')).toEqual([1, 1]);
    g.batch.removeAgent(0, 1, 5);
    const o = g.observation(1);
    expect(o.subarray(0, OBSERVATION - 1).every((v) => v === 0)).toBe(true);
    expect(o[OBSERVATION - 1]).toBe(1);
    expect(g.observation(0)[OBSERVATION - 1]).toBe(0);
    expect(g.flag('other-in-range')).toEqual([0, 0]);
    expect(g.flag('apple-visible')).toEqual([1, 0]);
    expect(g.flag('removed')).toEqual([0, 1]);
  });
});

describe('gathering: episodes', () => {
  it('ends every episodeLength steps and starts afresh: apples back, both agents on spawn cells', () => {
    const g = game({ episodeLength: 4, timeout: 50 });
    g.batch.setAgent(0, 0, 3, 3, E);
    g.batch.setAgent(0, 1, 6, 3, W);
    const ended = [g.step(FORWARD, STAY), g.step(STAY, FIRE), g.step(STAY, STAY), g.step(STAY, STAY)];
    expect(ended).toEqual([false, false, false, true]);
    expect(g.event(0, APPLE)).toBe(1);
    expect(g.event(0, TAGGED)).toBe(1);
    expect(g.batch.appleCount(0)).toBe(1);
    expect(g.flag('removed')).toEqual([0, 0]);
    for (const agent of [0, 1]) expect(MAP[g.at(agent)[1]]![g.at(agent)[0]]).toBe('S');
    expect(g.at(0).slice(0, 2)).not.toEqual(g.at(1).slice(0, 2));
    expect([g.step(STAY, STAY), g.step(STAY, STAY), g.step(STAY, STAY), g.step(STAY, STAY)]).toEqual([false, false, false, true]);
  });

  it('plays episode k of a game the same whatever happened in the episodes before it', () => {
    const env = createGatheringEnvironment({ episodeLength: 20, regrowth: 0.2 });
    const trace = (firstEpisodeAction: number) => {
      const batch = env.createBatch({ games: 2, seed: 4 });
      const rewards = new Float32Array(4);
      const events = new Float32Array(16);
      const o = new Float32Array(4 * env.observationSize);
      for (let s = 0; s < 20; s++) batch.step(new Int32Array(4).fill(firstEpisodeAction), rewards, events);
      const seen: number[] = [];
      for (let s = 0; s < 20; s++) {
        batch.observe(o);
        seen.push(...o);
        batch.step(Int32Array.from([s % 8, (s * 3) % 8, (s * 5) % 8, (s * 7) % 8]), rewards, events);
        seen.push(...rewards);
      }
      return { seen, apples: events[0]! + events[4]! };
    };
    const foraging = trace(FORWARD);
    const idle = trace(STAY);
    expect(foraging.seen).toEqual(idle.seen);
    expect(foraging.seen.length).toBe(20 * (4 * 148 + 4));
  });

  it('starts different episodes and different games differently', () => {
    const env = createGatheringEnvironment({ episodeLength: 1 });
    const batch = env.createBatch({ games: 8, seed: 0 });
    const starts = new Set<string>();
    for (let e = 0; e < 4; e++) {
      for (let g = 0; g < 8; g++) starts.add(batch.render(g).text);
      batch.step(new Int32Array(16).fill(STAY), new Float32Array(16), new Float32Array(64));
    }
    expect(starts.size).toBeGreaterThan(16);
  });
});

describe('gathering: observation', () => {
  /** The expected observation, read off the rendered map by rotating each window cell by hand. */
  function expectedObservation(text: string, x: number, y: number, facing: number, otherCharacters: string): number[] {
    const rows = text.split('\n');
    const ahead = [
      [0, -1],
      [1, 0],
      [0, 1],
      [-1, 0],
    ][facing]!;
    const right = [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ][facing]!;
    const channels: number[][] = [[], [], []];
    for (let row = 0; row < 7; row++)
      for (let col = 0; col < 7; col++) {
        const f = 5 - row;
        const r = col - 3;
        const c = rows[y + f * ahead[1]! + r * right[1]!]?.[x + f * ahead[0]! + r * right[0]!] ?? '#';
        channels[0]!.push(c === '#' ? 1 : 0);
        channels[1]!.push(c === '@' ? 1 : 0);
        channels[2]!.push(otherCharacters.includes(c) ? 1 : 0);
      }
    return [...channels[0]!, ...channels[1]!, ...channels[2]!, 0];
  }

  it('shows walls, apples and the other agent in a 7 × 7 window, 5 ahead and 1 behind, turned with the agent', () => {
    const g = game();
    for (const [x0, y0, f0, x1, y1, f1] of [
      [3, 2, N, 5, 4, W],
      [2, 3, E, 5, 3, S],
      [4, 1, S, 4, 5, E],
      [7, 4, W, 1, 1, N],
      [1, 5, N, 2, 4, W],
    ] as const) {
      g.batch.setAgent(0, 0, x0, y0, f0);
      g.batch.setAgent(0, 1, x1, y1, f1);
      const text = g.batch.render(0).text;
      expect([...g.observation(0)]).toEqual(expectedObservation(text, x0, y0, f0, 'nesw'));
      expect([...g.observation(1)]).toEqual(expectedObservation(text, x1, y1, f1, 'NESW'));
    }
  });

  it('lays the window out channel by channel, row 0 farthest ahead, the agent at row 5, column 3', () => {
    const g = game();
    g.batch.setAgent(0, 0, 4, 4, N); // the apple one cell ahead
    g.batch.setAgent(0, 1, 2, 4, E); // two cells to the left
    const o = g.observation(0);
    const at = (channel: number, row: number, col: number) => o[channel * 49 + row * 7 + col];
    expect(at(1, 4, 3)).toBe(1); // apple straight ahead
    expect(o.subarray(49, 98).reduce((a, b) => a + b, 0)).toBe(1);
    expect(at(2, 5, 1)).toBe(1); // the other agent two columns left of the agent
    expect(o.subarray(98, 147).reduce((a, b) => a + b, 0)).toBe(1);
    expect(at(0, 6, 3)).toBe(0); // behind: floor (row 5 of the map)
    expect(at(0, 0, 3)).toBe(1); // 5 ahead: beyond the top wall, outside the map counts as wall
    expect(at(0, 1, 3)).toBe(1); // 4 ahead: the top wall
    expect(at(0, 2, 3)).toBe(0); // 3 ahead: floor
    expect(at(0, 5, 3)).toBe(0); // the agent's own cell
  });

  it('flags an apple in view, and the other agent in beam range', () => {
    const g = game();
    g.batch.setAgent(0, 0, 1, 1, N); // facing the top wall: the apple is out of view
    g.batch.setAgent(0, 1, 4, 5, N); // the apple 2 ahead; agent 0 out of the beam line
    expect(g.flag('apple-visible')).toEqual([0, 1]);
    expect(g.flag('other-in-range')).toEqual([0, 0]);
    g.batch.setAgent(0, 0, 4, 1, S); // agent 1 four cells ahead of agent 0, behind the apple
    expect(g.flag('other-in-range')).toEqual([1, 1]);
    expect(g.flag('removed')).toEqual([0, 0]);
  });
});

describe('gathering: render', () => {
  it('draws the map, apples, agents by facing and the last beam as text, with a legend', () => {
    const g = game();
    g.batch.setAgent(0, 0, 1, 2, E);
    g.batch.setAgent(0, 1, 7, 4, W);
    g.step(FIRE, STAY);
    const frame = g.batch.render(0);
    expect(frame.text).toBe(['#########', '#.......#', '#E*****.#', '#...@...#', '#......w#', '#.......#', '#########'].join('\n'));
    expect([frame.width, frame.height]).toEqual([9, 7]);
    expect(frame.legend).toMatchObject({ '#': 'wall', '@': 'apple', E: 'agent 1 facing east', w: 'agent 2 facing west' });
    g.step(STAY, STAY);
    expect(g.batch.render(0).text.split('\n')[2]).toBe('#E......#');
  });

  it('draws one RGB pixel per cell: grey walls, black floor, green apples, blue agent 1, red agent 2, yellow beam', () => {
    const g = game();
    g.batch.setAgent(0, 0, 1, 2, E);
    g.batch.setAgent(0, 1, 7, 4, W);
    g.step(FIRE, STAY);
    const { rgb, width, height } = g.batch.render(0);
    expect(rgb).toHaveLength(width * height * 3);
    const pixel = (x: number, y: number) => [...rgb.subarray(3 * (y * width + x), 3 * (y * width + x) + 3)];
    expect(pixel(0, 0)).toEqual([128, 128, 128]);
    expect(pixel(2, 1)).toEqual([0, 0, 0]);
    expect(pixel(4, 3)).toEqual([0, 200, 0]);
    expect(pixel(1, 2)).toEqual([60, 110, 255]);
    expect(pixel(7, 4)).toEqual([255, 60, 60]);
    expect(pixel(3, 2)).toEqual([255, 230, 0]);
  });

  it('leaves an agent off the map out of the picture', () => {
    const g = game();
    g.batch.setAgent(0, 0, 1, 2, E);
    g.batch.setAgent(0, 1, 7, 4, W);
    g.batch.removeAgent(0, 1, 3);
    expect(g.batch.render(0).text).not.toMatch(/[nesw]/);
    expect(g.batch.render(0).text).toMatch(/E/);
  });
});

describe('gathering: bad input', () => {
  const bad = (fn: () => unknown, argument: string) => expect(fn).toThrow(expect.objectContaining({ code: 'invalid-argument', argument }));

  it('refuses actions, rewards and events of the wrong length, and actions out of range, before changing anything', () => {
    const g = game();
    g.batch.setAgent(0, 0, 3, 2, N);
    g.batch.setAgent(0, 1, 5, 2, N);
    bad(() => g.batch.step(new Int32Array(3), g.rewards, g.events), 'actions');
    bad(() => g.batch.step(Int32Array.from([FORWARD, 8]), g.rewards, g.events), 'actions');
    bad(() => g.batch.step(Int32Array.from([FORWARD, -1]), g.rewards, g.events), 'actions');
    bad(() => g.batch.step(new Int32Array(2), new Float32Array(1), g.events), 'rewards');
    bad(() => g.batch.step(new Int32Array(2), g.rewards, new Float32Array(4)), 'events');
    expect(g.at(0)).toEqual([3, 2, N]);
  });

  it('refuses observations and flags of the wrong length, unknown flags and games outside the batch', () => {
    const g = game();
    bad(() => g.batch.observe(new Float32Array(OBSERVATION)), 'into');
    bad(() => g.batch.flag('removed', new Uint8Array(3)), 'into');
    bad(() => g.batch.flag('aggressive', new Uint8Array(2)), 'name');
    bad(() => g.batch.render(1), 'game');
    bad(() => g.batch.render(-1), 'game');
  });
});

describe('gathering: events', () => {
  it('adds to the event counts passed in, never clearing them', () => {
    const g = game({ regrowth: 1 });
    g.events.fill(10);
    g.batch.setAgent(0, 0, 3, 3, E);
    g.batch.setAgent(0, 1, 7, 5, N);
    g.step(FORWARD, FIRE);
    g.step(BACKWARD, FIRE);
    g.step(FORWARD, STAY);
    expect([...g.events]).toEqual([12, 10, 10, 10, 10, 12, 10, 10]);
  });
});
