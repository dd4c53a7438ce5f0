import { createRandom, type EnvironmentBatch, type EnvironmentFrame, InvalidArgumentError, type Random } from '@modscope/core';
import { type GatheringGrid, VIEW_CELLS } from './gathering-map.js';
import { renderGathering } from './render-gathering.js';

/** The rules a batch plays by (validated options). */
export interface GatheringRules {
  regrowth: number;
  episodeLength: number;
  beamLength: number;
  timeout: number;
  beamCost: number;
}

const FIRE = 7;
/** Direction of each move action relative to the facing, as a turn clockwise: forward, backward, left, right. */
const MOVE_TURN: readonly number[] = [0, 2, 3, 1];
/** Offsets of the event names `apple`, `fire`, `tag`, `tagged`. */
const APPLE = 0;
const FIRED = 1;
const TAG = 2;
const TAGGED = 3;
const EVENT_COUNT = 4;
const OBSERVATION_SIZE = 3 * VIEW_CELLS + 1;

function invalid(argument: string, message: string, hint: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message: `@modscope/env-gathering: ${message}`, hint });
}

/**
 * `games` Gathering games stepping together, as struct-of-arrays over games: agent `a` of game `g` is entry
 * `2g + a`, its cell an index of the padded grid. Nothing is allocated per step; each game draws from its
 * own generator, `createRandom(seed).fork(game).fork(episode)`.
 */
export class GatheringBatch implements EnvironmentBatch {
  readonly games: number;
  private readonly grid: GatheringGrid;
  private readonly rules: GatheringRules;
  /** Per game, per padded cell: 1 where an apple is. */
  private readonly apple: Uint8Array;
  /** Per agent: its cell (meaningless while removed). */
  private readonly position: Int32Array;
  /** Per agent: 0 north, 1 east, 2 south, 3 west. */
  private readonly facing: Uint8Array;
  /** Per agent: steps left off the map (0: on the map). */
  private readonly removed: Int32Array;
  /** Per agent: 1 if it fired in the last step (for render). */
  private readonly fired: Uint8Array;
  /** Per game: the generator of each game, and of its current episode. */
  private readonly gameRandom: Random[];
  private readonly episodeRandom: Random[];
  private readonly episode: Int32Array;
  private time = 0;

  constructor(grid: GatheringGrid, rules: GatheringRules, games: number, seed: number) {
    this.grid = grid;
    this.rules = rules;
    this.games = games;
    this.apple = new Uint8Array(games * grid.cells);
    this.position = new Int32Array(2 * games);
    this.facing = new Uint8Array(2 * games);
    this.removed = new Int32Array(2 * games);
    this.fired = new Uint8Array(2 * games);
    const root = createRandom(seed);
    this.gameRandom = Array.from({ length: games }, (_, g) => root.fork(g));
    this.episodeRandom = this.gameRandom.map((r) => r.fork(0));
    this.episode = new Int32Array(games);
    for (let g = 0; g < games; g++) this.startEpisode(g);
  }

  /** Apples on every apple cell, both agents on distinct random spawn cells with random facings. */
  private startEpisode(g: number): void {
    const { appleCells, spawnCells, cells } = this.grid;
    const random = this.episodeRandom[g]!;
    for (let i = 0; i < appleCells.length; i++) this.apple[g * cells + appleCells[i]!] = 1;
    const first = random.int(spawnCells.length);
    const second = (first + 1 + random.int(spawnCells.length - 1)) % spawnCells.length;
    this.position[2 * g] = spawnCells[first]!;
    this.position[2 * g + 1] = spawnCells[second]!;
    this.facing[2 * g] = random.int(4);
    this.facing[2 * g + 1] = random.int(4);
    this.removed[2 * g] = 0;
    this.removed[2 * g + 1] = 0;
    this.fired[2 * g] = 0;
    this.fired[2 * g + 1] = 0;
  }

  /** Puts agent `i` (`2g + a`) back on a random spawn cell the other agent does not stand on. */
  private respawn(i: number, random: Random): void {
    const { spawnCells } = this.grid;
    const other = i ^ 1;
    const taken = this.removed[other] === 0 ? this.position[other]! : -1;
    let cell = spawnCells[random.int(spawnCells.length)]!;
    while (cell === taken) cell = spawnCells[random.int(spawnCells.length)]!;
    this.position[i] = cell;
    this.facing[i] = random.int(4);
  }

  observe(into: Float32Array): void {
    const n = 2 * this.games * OBSERVATION_SIZE;
    if (into.length !== n)
      throw invalid(
        'into',
        `observe needs ${n} values (games × 2 agents × ${OBSERVATION_SIZE}), got ${into.length}.`,
        'Pass a Float32Array of that length.',
      );
    const { wall, view, cells } = this.grid;
    const { apple, position, facing, removed } = this;
    for (let i = 0; i < 2 * this.games; i++) {
      const o = i * OBSERVATION_SIZE;
      if (removed[i] !== 0) {
        into.fill(0, o, o + OBSERVATION_SIZE - 1);
        into[o + OBSERVATION_SIZE - 1] = 1;
        continue;
      }
      const base = ((i >> 1) * cells) | 0;
      const p = position[i]!;
      const other = removed[i ^ 1] === 0 ? position[i ^ 1]! : -1;
      const v = facing[i]! * VIEW_CELLS;
      for (let k = 0; k < VIEW_CELLS; k++) {
        const cell = p + view[v + k]!;
        into[o + k] = wall[cell]!;
        into[o + VIEW_CELLS + k] = apple[base + cell]!;
        into[o + 2 * VIEW_CELLS + k] = cell === other ? 1 : 0;
      }
      into[o + OBSERVATION_SIZE - 1] = 0;
    }
  }

  flag(name: string, into: Uint8Array): void {
    const n = 2 * this.games;
    if (name !== 'other-in-range' && name !== 'apple-visible' && name !== 'removed')
      throw invalid('name', `unknown flag '${name}'.`, 'Use one of: other-in-range, apple-visible, removed.');
    if (into.length !== n)
      throw invalid('into', `flag needs ${n} values (games × 2 agents), got ${into.length}.`, 'Pass a Uint8Array of that length.');
    for (let i = 0; i < n; i++) {
      if (name === 'removed') into[i] = this.removed[i] !== 0 ? 1 : 0;
      else if (this.removed[i] !== 0) into[i] = 0;
      else if (name === 'other-in-range') into[i] = this.inBeam(i) ? 1 : 0;
      else into[i] = this.appleVisible(i) ? 1 : 0;
    }
  }

  /** Whether agent i's beam, fired now, would hit the other agent (which must be on the map). */
  private inBeam(i: number): boolean {
    if (this.removed[i ^ 1] !== 0) return false;
    const { wall, delta } = this.grid;
    const target = this.position[i ^ 1]!;
    const d = delta[this.facing[i]!]!;
    let cell = this.position[i]! + d;
    for (let s = 0; s < this.rules.beamLength && wall[cell] === 0; s++, cell += d) if (cell === target) return true;
    return false;
  }

  private appleVisible(i: number): boolean {
    const { view, cells } = this.grid;
    const base = (i >> 1) * cells;
    const p = this.position[i]!;
    const v = this.facing[i]! * VIEW_CELLS;
    for (let k = 0; k < VIEW_CELLS; k++) if (this.apple[base + p + view[v + k]!] === 1) return true;
    return false;
  }

  step(actions: Int32Array, rewards: Float32Array, events: Float32Array): boolean {
    const agents = 2 * this.games;
    if (actions.length !== agents)
      throw invalid(
        'actions',
        `step needs ${agents} actions (games × 2 agents), got ${actions.length}.`,
        'Pass one action index per agent.',
      );
    if (rewards.length !== agents)
      throw invalid(
        'rewards',
        `step needs ${agents} rewards (games × 2 agents), got ${rewards.length}.`,
        'Pass a Float32Array of that length.',
      );
    if (events.length !== agents * EVENT_COUNT)
      throw invalid(
        'events',
        `step needs ${agents * EVENT_COUNT} event counts (games × 2 agents × ${EVENT_COUNT}), got ${events.length}.`,
        'Pass a Float32Array of that length.',
      );
    for (let i = 0; i < agents; i++) {
      const a = actions[i]!;
      if (!(a >= 0 && a <= FIRE))
        throw invalid('actions', `action ${a} of agent ${i} is outside 0..${FIRE}.`, 'Pass action indices of environment.actions.');
    }
    const { wall, delta, appleCells, cells } = this.grid;
    const { beamLength, timeout, beamCost, regrowth } = this.rules;
    const { apple, position, facing, removed, fired } = this;
    for (let g = 0; g < this.games; g++) {
      const i0 = 2 * g;
      const i1 = i0 + 1;
      const base = g * cells;
      const a0 = actions[i0]!;
      const a1 = actions[i1]!;
      const on0 = removed[i0] === 0;
      const on1 = removed[i1] === 0;
      const p0 = position[i0]!;
      const p1 = position[i1]!;
      // moves and rotations: a move into a wall or into the cell the other agent stands on at the start of the
      // step does nothing; when both move into the same cell, a coin of the game's generator picks who does
      let t0 = p0;
      let t1 = p1;
      if (on0) {
        if (a0 < 4) {
          t0 = p0 + delta[(facing[i0]! + MOVE_TURN[a0]!) & 3]!;
          if (wall[t0] === 1 || (on1 && t0 === p1)) t0 = p0;
        } else if (a0 === 4) facing[i0] = (facing[i0]! + 3) & 3;
        else if (a0 === 5) facing[i0] = (facing[i0]! + 1) & 3;
      }
      if (on1) {
        if (a1 < 4) {
          t1 = p1 + delta[(facing[i1]! + MOVE_TURN[a1]!) & 3]!;
          if (wall[t1] === 1 || (on0 && t1 === p0)) t1 = p1;
        } else if (a1 === 4) facing[i1] = (facing[i1]! + 3) & 3;
        else if (a1 === 5) facing[i1] = (facing[i1]! + 1) & 3;
      }
      const random = this.episodeRandom[g]!;
      if (on0 && on1 && t0 === t1) {
        if (random.nextUint32() & 1) t0 = p0;
        else t1 = p1;
      }
      position[i0] = t0;
      position[i1] = t1;
      // apples
      let r0 = 0;
      let r1 = 0;
      if (on0 && apple[base + t0] === 1) {
        apple[base + t0] = 0;
        r0 += 1;
        events[i0 * EVENT_COUNT + APPLE]! += 1;
      }
      if (on1 && apple[base + t1] === 1) {
        apple[base + t1] = 0;
        r1 += 1;
        events[i1 * EVENT_COUNT + APPLE]! += 1;
      }
      // beams, from the positions after the moves; both are traced before either tag takes effect
      let hit0 = false;
      let hit1 = false;
      fired[i0] = 0;
      fired[i1] = 0;
      if (on0 && a0 === FIRE) {
        fired[i0] = 1;
        r0 -= beamCost;
        events[i0 * EVENT_COUNT + FIRED]! += 1;
        if (on1) {
          const d = delta[facing[i0]!]!;
          let cell = t0 + d;
          for (let s = 0; s < beamLength && wall[cell] === 0; s++, cell += d)
            if (cell === t1) {
              hit0 = true;
              break;
            }
        }
      }
      if (on1 && a1 === FIRE) {
        fired[i1] = 1;
        r1 -= beamCost;
        events[i1 * EVENT_COUNT + FIRED]! += 1;
        if (on0) {
          const d = delta[facing[i1]!]!;
          let cell = t1 + d;
          for (let s = 0; s < beamLength && wall[cell] === 0; s++, cell += d)
            if (cell === t0) {
              hit1 = true;
              break;
            }
        }
      }
      rewards[i0] = r0;
      rewards[i1] = r1;
      // timers of agents already off the map run down; one whose time is up reappears on a spawn cell
      if (!on0 && --removed[i0]! === 0) this.respawn(i0, random);
      if (!on1 && --removed[i1]! === 0) this.respawn(i1, random);
      if (hit0) {
        removed[i1] = timeout;
        events[i0 * EVENT_COUNT + TAG]! += 1;
        events[i1 * EVENT_COUNT + TAGGED]! += 1;
      }
      if (hit1) {
        removed[i0] = timeout;
        events[i1 * EVENT_COUNT + TAG]! += 1;
        events[i0 * EVENT_COUNT + TAGGED]! += 1;
      }
      // regrowth on empty apple cells no agent stands on
      if (regrowth > 0) {
        const q0 = removed[i0] === 0 ? position[i0]! : -1;
        const q1 = removed[i1] === 0 ? position[i1]! : -1;
        for (let k = 0; k < appleCells.length; k++) {
          const cell = appleCells[k]!;
          if (apple[base + cell] === 0 && cell !== q0 && cell !== q1 && random.next() < regrowth) apple[base + cell] = 1;
        }
      }
    }
    if (++this.time < this.rules.episodeLength) return false;
    this.time = 0;
    for (let g = 0; g < this.games; g++) {
      this.episode[g]! += 1;
      this.episodeRandom[g] = this.gameRandom[g]!.fork(this.episode[g]!);
      this.apple.fill(0, g * cells, (g + 1) * cells);
      this.startEpisode(g);
    }
    return true;
  }

  render(game: number): EnvironmentFrame {
    if (!(Number.isInteger(game) && game >= 0 && game < this.games))
      throw invalid('game', `game ${game} is outside 0..${this.games - 1}.`, 'Pass the index of a game of this batch.');
    return renderGathering(this.grid, this.rules.beamLength, {
      apple: this.apple.subarray(game * this.grid.cells, (game + 1) * this.grid.cells),
      position: this.position.subarray(2 * game, 2 * game + 2),
      facing: this.facing.subarray(2 * game, 2 * game + 2),
      removed: this.removed.subarray(2 * game, 2 * game + 2),
      fired: this.fired.subarray(2 * game, 2 * game + 2),
    });
  }

  // ---- for tests: set and read a game's state by map coordinates ----

  /** Places agent `agent` of game `game` at column x, row y of the map, facing 0 north, 1 east, 2 south, 3 west, on the map. */
  setAgent(game: number, agent: number, x: number, y: number, facing: number): void {
    const { pad, stride } = this.grid;
    this.position[2 * game + agent] = (y + pad) * stride + (x + pad);
    this.facing[2 * game + agent] = facing;
    this.removed[2 * game + agent] = 0;
  }

  /** Takes agent `agent` of game `game` off the map for `steps` steps. */
  removeAgent(game: number, agent: number, steps: number): void {
    this.removed[2 * game + agent] = steps;
  }

  /** Puts or takes an apple at column x, row y of game `game` (no check that it is an apple cell). */
  setApple(game: number, x: number, y: number, present: boolean): void {
    const { pad, stride, cells } = this.grid;
    this.apple[game * cells + (y + pad) * stride + (x + pad)] = present ? 1 : 0;
  }

  /** Agent `agent` of game `game`: map column, row, facing, and steps left off the map. */
  agent(game: number, agent: number): { x: number; y: number; facing: number; removed: number } {
    const { pad, stride } = this.grid;
    const p = this.position[2 * game + agent]!;
    return {
      x: (p % stride) - pad,
      y: Math.floor(p / stride) - pad,
      facing: this.facing[2 * game + agent]!,
      removed: this.removed[2 * game + agent]!,
    };
  }

  /** Apples on the map of game `game`. */
  appleCount(game: number): number {
    let n = 0;
    for (const cell of this.grid.appleCells) n += this.apple[game * this.grid.cells + cell]!;
    return n;
  }
}
