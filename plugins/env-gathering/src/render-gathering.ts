import type { EnvironmentFrame } from '@modscope/core';
import type { GatheringGrid } from './gathering-map.js';

/** One game's state, as views of the batch's arrays. */
interface GameState {
  apple: Uint8Array;
  position: Int32Array;
  facing: Uint8Array;
  removed: Int32Array;
  fired: Uint8Array;
}

const FACINGS = ['north', 'east', 'south', 'west'];
/** Agent 1 by facing, then agent 2. */
const AGENT_CHARACTERS = ['NESW', 'nesw'];

const LEGEND: Readonly<Record<string, string>> = Object.freeze({
  '#': 'wall',
  '.': 'floor',
  '@': 'apple',
  '*': 'beam fired in the last step',
  ...Object.fromEntries(
    AGENT_CHARACTERS.flatMap((characters, a) => [...characters].map((c, f) => [c, `agent ${a + 1} facing ${FACINGS[f]}`])),
  ),
});

/** Colours: wall grey, floor black, apple green, beam yellow, agent 1 blue, agent 2 red. */
const COLOURS: Readonly<Record<string, readonly [number, number, number]>> = {
  '#': [128, 128, 128],
  '.': [0, 0, 0],
  '@': [0, 200, 0],
  '*': [255, 230, 0],
  agent1: [60, 110, 255],
  agent2: [255, 60, 60],
};

/**
 * The map as text (one character per cell, see the legend) and as an RGB image (one pixel per cell).
 * Agents off the map are not drawn; the beam of an agent that fired in the last step is.
 */
export function renderGathering(grid: GatheringGrid, beamLength: number, state: GameState): EnvironmentFrame {
  const { width, height, pad, stride, wall, delta } = grid;
  const characters: string[] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const cell = (y + pad) * stride + (x + pad);
      characters.push(wall[cell] === 1 ? '#' : state.apple[cell] === 1 ? '@' : '.');
    }
  const at = (cell: number) => (Math.floor(cell / stride) - pad) * width + ((cell % stride) - pad);
  for (let a = 0; a < 2; a++) {
    if (state.removed[a] !== 0 || state.fired[a] !== 1) continue;
    const d = delta[state.facing[a]!]!;
    let cell = state.position[a]! + d;
    for (let s = 0; s < beamLength && wall[cell] === 0; s++, cell += d) characters[at(cell)] = '*';
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < characters.length; i++) rgb.set(COLOURS[characters[i]!]!, 3 * i);
  for (let a = 0; a < 2; a++) {
    if (state.removed[a] !== 0) continue;
    const i = at(state.position[a]!);
    characters[i] = AGENT_CHARACTERS[a]![state.facing[a]!]!;
    rgb.set(COLOURS[`agent${a + 1}`]!, 3 * i);
  }
  const lines: string[] = [];
  for (let y = 0; y < height; y++) lines.push(characters.slice(y * width, (y + 1) * width).join(''));
  return { text: lines.join('\n'), legend: LEGEND, width, height, rgb };
}
