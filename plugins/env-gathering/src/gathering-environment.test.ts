import { ModscopeError } from '@modscope/core';
import { environmentConformanceCases } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { createGatheringEnvironment, GATHERING_DEFAULTS, type GatheringOptions } from './gathering-environment.js';

describe('gathering environment: conformance', () => {
  for (const c of environmentConformanceCases({ environment: createGatheringEnvironment() })) it(c.name, c.run);
});

describe('gathering environment: conformance with a short episode, a costly beam and a small map', () => {
  const environment = createGatheringEnvironment({
    episodeLength: 7,
    beamCost: 0.5,
    timeout: 3,
    regrowth: 0.5,
    map: ['#######', '#S.@.S#', '#.@@@.#', '#S.@.S#', '#######'],
  });
  for (const c of environmentConformanceCases({ environment, steps: 40 })) it(c.name, c.run);
});

describe('gathering environment', () => {
  it('describes itself: names, sizes and settings', () => {
    const env = createGatheringEnvironment();
    expect(env.name).toBe('gathering');
    expect(env.agentCount).toBe(2);
    expect(env.observationSize).toBe(3 * 7 * 7 + 1);
    expect(env.actions).toEqual(['forward', 'backward', 'left', 'right', 'rotate-left', 'rotate-right', 'stay', 'fire']);
    expect(env.events).toEqual(['apple', 'fire', 'tag', 'tagged']);
    expect(env.flags).toEqual(['other-in-range', 'apple-visible', 'removed']);
    expect(Object.keys(env.behaviours!)).toEqual(['fire', 'move', 'collect']);
    expect(env.behaviours!.fire).toMatchObject({ kind: 'action', actions: ['fire'], flag: 'other-in-range' });
    expect(env.episodeLength).toBe(100);
    expect(env.settings).toEqual({
      regrowth: 0.05,
      episodeLength: 100,
      beamLength: 5,
      timeout: 25,
      beamCost: 0,
      map: GATHERING_DEFAULTS.map.join('/'),
    });
  });

  it('records the options it was made with', () => {
    const env = createGatheringEnvironment({ regrowth: 0.3, episodeLength: 50, beamCost: 1, map: ['####', '#SS#', '####'] });
    expect(env.settings).toMatchObject({ regrowth: 0.3, episodeLength: 50, beamCost: 1, map: '####/#SS#/####' });
    expect(env.episodeLength).toBe(50);
  });

  it('has a default map of 17 × 9 with 13 apple cells and 8 spawn cells, walled all round', () => {
    const map = GATHERING_DEFAULTS.map;
    expect(map).toHaveLength(9);
    expect(map.every((row) => row.length === 17)).toBe(true);
    expect([...map.join('')].filter((c) => c === '@')).toHaveLength(13);
    expect([...map.join('')].filter((c) => c === 'S')).toHaveLength(8);
    expect(map[0]).toBe('#'.repeat(17));
    expect(map[8]).toBe('#'.repeat(17));
    expect(map.every((row) => row.startsWith('#') && row.endsWith('#'))).toBe(true);
  });

  const refused: [string, GatheringOptions][] = [
    ['regrowth', { regrowth: -0.01 }],
    ['regrowth', { regrowth: 1.01 }],
    ['regrowth', { regrowth: Number.NaN }],
    ['regrowth', { regrowth: '0.5' as unknown as number }],
    ['episodeLength', { episodeLength: 0 }],
    ['episodeLength', { episodeLength: 2.5 }],
    ['beamLength', { beamLength: 0 }],
    ['timeout', { timeout: 0 }],
    ['beamCost', { beamCost: -1 }],
    ['beamCost', { beamCost: Number.POSITIVE_INFINITY }],
    ['map', { map: [] }],
    ['map', { map: ['####', '#SS'] }],
    ['map', { map: ['####', '#SX#', '####'] }],
    ['map', { map: ['####', '#S.#', '####'] }],
  ];
  for (const [argument, options] of refused)
    it(`refuses ${JSON.stringify(options, (_, v) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v))} with a one-line message`, () => {
      let error: unknown;
      try {
        createGatheringEnvironment(options);
      } catch (e) {
        error = e;
      }
      expect(ModscopeError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ name: 'InvalidArgumentError', code: 'invalid-argument', argument });
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toMatch(/^@modscope\/env-gathering: /);
    });

  it('accepts regrowth 0 and 1, the ends of its range', () => {
    expect(createGatheringEnvironment({ regrowth: 0 }).settings.regrowth).toBe(0);
    expect(createGatheringEnvironment({ regrowth: 1 }).settings.regrowth).toBe(1);
  });

  it('refuses batches of no, negative or fractional games, and a seed that is not a number', () => {
    const env = createGatheringEnvironment();
    for (const games of [0, -1, 1.5, Number.NaN])
      expect(() => env.createBatch({ games, seed: 0 })).toThrow(expect.objectContaining({ code: 'invalid-argument', argument: 'games' }));
    expect(() => env.createBatch({ games: 1, seed: Number.NaN })).toThrow(expect.objectContaining({ argument: 'seed' }));
    expect(env.createBatch({ games: 3, seed: 0 }).games).toBe(3);
  });
});
