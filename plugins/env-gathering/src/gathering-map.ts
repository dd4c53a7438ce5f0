import { InvalidArgumentError } from '@modscope/core';

/**
 * The default map: 17 × 9 with walls around, a diamond of 13 apple cells in the middle (Leibo's central
 * apple patch, scaled down) and 8 spawn cells along the left and right walls.
 * `#` wall, `.` floor, `@` apple cell (an apple at the start of every episode), `S` spawn cell (floor).
 */
export const GATHERING_MAP: readonly string[] = Object.freeze([
  '#################',
  '#S.............S#',
  '#.......@.......#',
  '#S.....@@@.....S#',
  '#.....@@@@@.....#',
  '#S.....@@@.....S#',
  '#.......@.......#',
  '#S.............S#',
  '#################',
]);

/** The view: `VIEW_AHEAD` rows ahead of the agent, its own row, `VIEW_BEHIND` rows behind; `VIEW_SIDE` columns to each side. */
const VIEW_AHEAD = 5;
const VIEW_BEHIND = 1;
const VIEW_SIDE = 3;
const VIEW_WIDTH = 2 * VIEW_SIDE + 1;
const VIEW_HEIGHT = VIEW_AHEAD + 1 + VIEW_BEHIND;
export const VIEW_CELLS = VIEW_WIDTH * VIEW_HEIGHT;

/**
 * A parsed map on a grid padded with walls, wide enough that every view window and beam stays on the grid
 * (so no bounds checks in the step loop). A cell is `(y + pad) * stride + (x + pad)`.
 */
export interface GatheringGrid {
  /** The map's rows, as given. */
  rows: readonly string[];
  width: number;
  height: number;
  pad: number;
  stride: number;
  /** Cells of the padded grid. */
  cells: number;
  /** 1 on walls (the map's and the padding), per padded cell. */
  wall: Uint8Array;
  /** Padded cells where apples grow, in row-major order of the map. */
  appleCells: Int32Array;
  /** Padded cells where agents start an episode and reappear, in row-major order of the map. */
  spawnCells: Int32Array;
  /** Index step of one cell in direction 0 north, 1 east, 2 south, 3 west. */
  delta: Int32Array;
  /**
   * For facing f, `view[f * VIEW_CELLS + k]` is the index offset of window cell k (row-major, row 0 farthest
   * ahead, the agent at row `VIEW_AHEAD`, column `VIEW_SIDE`).
   */
  view: Int32Array;
}

function invalidMap(message: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'map',
    message: `@modscope/env-gathering: ${message}`,
    hint: 'Pass rows of equal length made of # (wall), . (floor), @ (apple cell) and S (spawn cell), with at least 2 spawn cells.',
  });
}

/** Parses and checks a map (`#`, `.`, `@`, `S`; rows of equal length; at least two spawn cells). */
export function parseGatheringMap(rows: readonly string[]): GatheringGrid {
  if (!Array.isArray(rows) || rows.length === 0 || rows.some((r) => typeof r !== 'string'))
    throw invalidMap('map must be a non-empty array of strings.');
  const height = rows.length;
  const width = rows[0]!.length;
  if (width === 0 || rows.some((r) => r.length !== width)) throw invalidMap(`map rows must all have the same length (${width}) > 0.`);
  const pad = Math.max(VIEW_AHEAD, VIEW_BEHIND, VIEW_SIDE);
  const stride = width + 2 * pad;
  const cells = stride * (height + 2 * pad);
  const wall = new Uint8Array(cells).fill(1);
  const apples: number[] = [];
  const spawns: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = rows[y]![x]!;
      const cell = (y + pad) * stride + (x + pad);
      if (c === '#') continue;
      if (c !== '.' && c !== '@' && c !== 'S') throw invalidMap(`unknown character '${c}' at row ${y}, column ${x} of the map.`);
      wall[cell] = 0;
      if (c === '@') apples.push(cell);
      if (c === 'S') spawns.push(cell);
    }
  }
  if (spawns.length < 2) throw invalidMap(`the map has ${spawns.length} spawn cell(s) (S); two agents need at least 2.`);
  const delta = Int32Array.from([-stride, 1, stride, -1]);
  const view = new Int32Array(4 * VIEW_CELLS);
  for (let f = 0; f < 4; f++) {
    const ahead = delta[f]!;
    const right = delta[(f + 1) & 3]!;
    for (let row = 0; row < VIEW_HEIGHT; row++)
      for (let col = 0; col < VIEW_WIDTH; col++)
        view[f * VIEW_CELLS + row * VIEW_WIDTH + col] = (VIEW_AHEAD - row) * ahead + (col - VIEW_SIDE) * right;
  }
  return {
    rows: Object.freeze([...rows]),
    width,
    height,
    pad,
    stride,
    cells,
    wall,
    appleCells: Int32Array.from(apples),
    spawnCells: Int32Array.from(spawns),
    delta,
    view,
  };
}
