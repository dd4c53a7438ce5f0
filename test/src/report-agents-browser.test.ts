import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeResultsReport } from '@modscope/report';
import type { AgentExciseResultFile, AgentLesionResultFile } from '@modscope/results';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEveryFigureDrawn, launchChromium, marksOf, openReport } from './support/report-page.js';

// The reports of agents in a multi-agent environment (modscope/agent-excise, modscope/agent-lesion) in Chromium,
// from results written here as `modscope excise DIR --env gathering --forget behaviour:fire --json FILE` and
// `modscope lesion DIR --env gathering --json FILE` write them (non-finite numbers as null), shaped after runs on
// two hand-wired gathering agents whose aggression module is known.
const dir = mkdtempSync(join(tmpdir(), 'modscope-report-agents-'));

const MAP = [
  '#################',
  '#S.............S#',
  '#.......@.......#',
  '#S.....@@@.....S#',
  '#.....@@@@@.....#',
  '#S.....@@@.....S#',
  '#.......@.......#',
  '#S.............S#',
  '#################',
];
const settings = (regrowth: number) => ({ regrowth, episodeLength: 100, beamLength: 5, timeout: 25, beamCost: 0, map: MAP.join('/') });
const behaviours = {
  forget: {
    name: 'fire',
    kind: 'action' as const,
    actions: ['fire'],
    flag: 'other-in-range',
    description: 'P(fire | the other agent in beam range)',
  },
  all: [
    { name: 'fire', kind: 'action' as const, description: 'P(fire | the other agent in beam range)' },
    { name: 'move', kind: 'action' as const, description: 'P(a step | an apple in view)' },
    { name: 'collect', kind: 'event' as const, description: 'apples collected per episode' },
  ],
};
const AGGRESSION = [0, 1, 2, 3];
const REST = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/** A frame as gathering draws it: its text, and one pixel per cell (wall grey, floor black, apple green, beam yellow, agent 1 blue, agent 2 red). */
function frame(step: number, rows: readonly string[]) {
  const colour = (c: string): number[] => {
    if ('NESW'.includes(c)) return [60, 110, 255];
    if ('nesw'.includes(c)) return [255, 60, 60];
    return { '#': [128, 128, 128], '.': [0, 0, 0], '@': [0, 200, 0], '*': [255, 230, 0] }[c] ?? [255, 0, 255];
  };
  return { step, text: rows.join('\n'), rgb: Buffer.from(rows.flatMap((r) => [...r].flatMap(colour))).toString('base64') };
}
const START = MAP.map((r) => r.replace(/S/g, '.')).map((r, y) => (y === 3 ? `#s${r.slice(2)}` : y === 5 ? `${r.slice(0, 15)}W#` : r));
const FIRED = START.map((r, y) => (y === 1 ? '#.e*****........#' : r));

function episode(label: string, returns: number[]) {
  return {
    label,
    figures: returns.map((r) => ({ return: r, events: { apple: r, fire: 1 } })),
    width: 17,
    height: 9,
    legend: {
      '#': 'wall',
      '.': 'floor',
      '@': 'apple',
      '*': 'beam fired in the last step',
      W: 'agent 1 facing west',
      e: 'agent 2 facing east',
      s: 'agent 2 facing south',
    },
    frames: [frame(0, START), frame(50, FIRED)],
  };
}

type Point = AgentExciseResultFile['methods'][number]['pruned'];
const point = (update: number, forget: number | null, retain: number): Point => ({ update, forget, rate: 0.01, retain, return: retain });
const stats = (curve: Point[]) => ({
  stepsToHalf: null,
  forgetArea: 0.5,
  finalForget: curve[curve.length - 1]!.forget,
  finalRetain: curve[curve.length - 1]!.retain,
});
/** Per behaviour, the module's drop and its random lesions' drops. */
type Drops = Record<'fire' | 'move' | 'collect', [number, ...(number | null)[]]>;
const module = (cluster: number, units: number[], retainDrop: number, drops: Drops) => ({
  layer: 'dense1',
  cluster,
  size: units.length,
  layerUnits: 16,
  units,
  forgetDrop: drops.fire[0],
  retainDrop,
  score: drops.fire[0] - retainDrop,
  behaviours: Object.fromEntries(Object.entries(drops).map(([k, [drop]]) => [k, drop])),
  random: Object.fromEntries(Object.entries(drops).map(([k, [, ...random]]) => [k, random])),
  p: Object.fromEntries(
    Object.entries(drops).map(([k, [drop, ...random]]) => [
      k,
      (1 + random.filter((x) => x !== null && x >= drop).length) / (random.length + 1),
    ]),
  ),
});
const DROPS: Drops[] = [
  { fire: [0.9869, 0, 0, 0.01], move: [-0.0045, 0.127, -0.084, 0], collect: [0.625, 1.125, -0.75, null] },
  { fire: [0, 0.981, 0.9841, 0], move: [-0.0564, -0.064, -0.0214, 0.01], collect: [1.125, -1.375, -2.75, 0.5] },
];
const intact = {
  forget: 1,
  rate: 0.0125,
  retain: 1.6875,
  return: 1.6875,
  agents: [
    { forget: 1, rate: 0.0125, retain: 1.5, return: 1.5 },
    { forget: 1, rate: 0.0125, retain: 1.875, return: 1.875 },
  ],
  states: [
    { fire: 1, move: 0.4991 },
    { fire: 1, move: 0.5454 },
  ],
  events: [{ collect: 1.5 }, { collect: 1.875 }],
};

/** Module pruning with two baselines, the never-trained floor and four starts of the relearning attack; or a finding and no floor. */
function agentExcise(finding: boolean): AgentExciseResultFile {
  const method = (m: 'module' | 'random' | 'none', name: string, units: number, curve: Point[]) => ({
    method: m,
    name,
    baseline: m !== 'module',
    units,
    selection: [[], []],
    pruned: curve[0]!,
    curve,
    stats: stats(curve),
    weightDistance: 3,
  });
  const relearn = (model: 'module' | 'random' | 'none' | 'never-trained', curve: Point[], degenerate: boolean) => ({
    model,
    updates: 2,
    curve,
    stats: stats(curve),
    retainDrop: Math.round((curve[0]!.retain! - curve[curve.length - 1]!.retain!) * 1e4) / 1e4,
    degenerate,
  });
  const none = method('none', 'no pruning (fine-tune only)', 0, [point(0, 1, 1.69), point(1, 1, 2), point(2, 1, 0.75)]);
  const relearnNone = relearn('none', [point(0, 1, 0.75), point(1, 1, 1.81), point(2, 1, 2.31)], false);
  return {
    kind: 'modscope/agent-excise',
    version: 1,
    model: 'hand-agents',
    environment: { name: 'gathering', settings: settings(0.02) },
    trusted: { name: 'gathering', settings: settings(0.3) },
    behaviours: { ...behaviours, retain: { name: 'collect', kind: 'event', event: 'apple', description: 'apples collected per episode' } },
    seed: 4,
    updates: 2,
    evaluateEvery: 1,
    ppo: { games: 4, rolloutLength: 16, learningRate: 0.001, anneal: false },
    measure: { games: 8, episodes: 1, seed: 105 },
    record: { games: 16, episodes: 2, seed: 206 },
    budgets: [4, 4],
    target: finding ? 0 : 0.0714,
    finding: finding
      ? 'no module of any agent lowers P(fire | the other agent in beam range) more than it changes the agent’s other choices'
      : null,
    intact,
    agents: [0, 1].map((agent) => ({
      agent,
      partition: { source: 'hand', k: 2 },
      states: 3200,
      modules: [
        { ...module(0, AGGRESSION, 0, DROPS[0]!), chosen: !finding },
        { ...module(1, REST, 1, DROPS[1]!), chosen: false },
      ],
      reached: finding ? null : 0.0131,
    })),
    methods: finding
      ? [none]
      : [
          method('module', 'module pruning', 8, [point(0, 0, 1.5), point(1, 0, 2), point(2, 0.0208, 2.5)]),
          method('random', 'random units', 8, [point(0, 1, 2.13), point(1, null, 2.06), point(2, 1, 2.81)]),
          none,
        ],
    floor: finding
      ? null
      : {
          figures: {
            forget: 0.0714,
            rate: 0.1175,
            retain: 2.6875,
            return: 2.6875,
            agents: [
              { forget: 0, rate: 0.1138, retain: 4.375, return: 4.375 },
              { forget: 0.1429, rate: 0.1213, retain: 1, return: 1 },
            ],
          },
          updates: 2,
          comparable: true,
          note: "trained 2 updates in the trusted environment only; collect within 10% of the intact agents' or above",
        },
    relearning: finding
      ? [relearnNone]
      : [
          relearn('module', [point(0, 0.0208, 2.5), point(1, 0.0263, 2.31), point(2, 0.0556, 2.81)], false),
          relearn('random', [point(0, 1, 2.81), point(1, 1, 2.63), point(2, 1, 1.5)], true),
          relearnNone,
          relearn('never-trained', [point(0, 0.0714, 2.69), point(1, 0.1714, 2.63), point(2, 0.1806, 0.81)], true),
        ],
    episodes: finding
      ? [episode('intact', [1, 0]), episode('no pruning, fine-tuned', [2, 1])]
      : [episode('intact', [1, 0]), episode('module pruning', [1, 0]), episode('module pruning, fine-tuned', [1, 5])],
    timings: { recording: 0.469, lesions: 0.167 },
  };
}

/** The lesion table of the same agents by behaviour, with 19 random lesions per module so that a p can reach 0.05. */
function agentLesion(): AgentLesionResultFile {
  const random = 19;
  const spread = (from: number, to: number) =>
    Array.from({ length: random }, (_, i) => Math.round((from + ((to - from) * ((i * 7) % random)) / (random - 1)) * 1e4) / 1e4);
  const lesioned = (
    cluster: number,
    units: number[],
    retainDrop: number,
    drops: Record<'fire' | 'move' | 'collect', [number, number[]]>,
  ) => {
    const m = module(cluster, units, retainDrop, {
      fire: [drops.fire[0], ...drops.fire[1]],
      move: [drops.move[0], ...drops.move[1]],
      collect: [drops.collect[0], ...drops.collect[1]],
    });
    const p = Object.fromEntries(
      Object.entries(drops).map(([k, [drop, r]]) => [k, (1 + r.filter((x) => x >= drop).length) / (random + 1)]),
    );
    return { ...m, p };
  };
  return {
    kind: 'modscope/agent-lesion',
    version: 1,
    model: 'hand-agents',
    environment: { name: 'gathering', settings: settings(0.02) },
    behaviours,
    seed: 3,
    random,
    measure: { games: 8, episodes: 1, seed: 104 },
    record: { games: 16, episodes: 2, seed: 205 },
    intact,
    agents: [0, 1].map((agent) => ({
      agent,
      partition: { source: 'hand', k: 2 },
      states: 3200,
      modules: [
        lesioned(0, AGGRESSION, 0, {
          fire: [0.9885, spread(0, 0.02)],
          move: [-0.0056, spread(-0.05, 0.05)],
          collect: [0.75, spread(-1, 1)],
        }),
        lesioned(1, REST, 1, { fire: [0, spread(0, 0.99)], move: [-0.0753, spread(-0.15, 0.05)], collect: [-1.875, spread(-2, 1)] }),
      ],
    })),
    seconds: 1.699,
  };
}

/** Per section: its kind, its figures and HTML blocks in order, the frames and the lesion tables as drawn. */
function readSections(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('section.result')].map((s) => ({
      kind: s.dataset.kind,
      blocks: [...s.querySelectorAll<HTMLElement>('figure[data-figure]')].map((f) => f.dataset.figure),
      frames: [...s.querySelectorAll<HTMLImageElement>('figure.frame img')].map((img) => ({
        alt: img.alt,
        complete: img.complete,
        natural: [img.naturalWidth, img.naturalHeight],
        shown: [img.clientWidth, img.clientHeight],
        rendering: getComputedStyle(img).imageRendering,
      })),
      tables: [...s.querySelectorAll('table.lesion-by-behaviour')].map((t) => ({
        head: [...t.querySelectorAll('thead th')].map((th) => th.textContent),
        rows: [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
        marked: [...t.querySelectorAll('.p.sig')].map((p) => [p.textContent, getComputedStyle(p).fontWeight]),
      })),
      text: s.textContent ?? '',
    })),
  );
}

describe('the reports of agents in a real browser', () => {
  let browser: Browser;
  const out = (name: string) => join(dir, `${name}.html`);

  beforeAll(async () => {
    for (const [name, results] of [
      ['excise', [agentExcise(false)]],
      ['finding', [agentExcise(true)]],
      ['lesion', [agentLesion()]],
    ] as const) {
      const written = await writeResultsReport([...results], out(name), { sources: [join(dir, `${name}.json`)] });
      expect(written.warnings).toEqual([]);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('draws the excision of aggression: fine-tuning and relearning curves with their floor and intact lines, the lesion tables and the frames at their size', async () => {
    const { page, problems, figures } = await openReport(browser, out('excise'));
    expect(problems).toEqual([]);
    expect(figures.map((f) => f.figure)).toEqual(['agent-fine-tuning', 'agent-relearning']);
    expectEveryFigureDrawn(figures);
    expect(marksOf(figures, 'agent-fine-tuning')).toEqual([
      {
        curves: { expected: 6, found: 6 },
        'never-trained floors': { expected: 2, found: 2 },
        'intact lines': { expected: 2, found: 2 },
      },
    ]);
    expect(marksOf(figures, 'agent-relearning')).toEqual([
      { 'relearning curves': { expected: 4, found: 4 }, 'intact lines': { expected: 1, found: 1 } },
    ]);
    const [section] = await readSections(page);
    expect(section!.kind).toBe('modscope/agent-excise');
    expect(section!.blocks).toEqual([
      'agent-excise-setting',
      'agent-fine-tuning',
      'agent-excise-table',
      'agent-relearning',
      'agent-relearning-table',
      'agent-lesion-table',
      'agent-lesion-table',
      'agent-episodes',
    ]);
    expect(section!.frames).toHaveLength(6);
    for (const f of section!.frames) {
      expect(f.complete, f.alt).toBe(true);
      expect(f.natural, f.alt).toEqual([17, 9]); // one pixel a cell
      expect(f.shown, f.alt).toEqual([136, 72]); // scaled up 8 times
      expect(f.rendering, f.alt).toBe('pixelated');
    }
    expect(section!.tables).toHaveLength(2);
    for (const t of section!.tables) {
      expect(t.head).toEqual(['layer', 'module', 'units', 'fire', 'move', 'collect', 'retain drop', 'score', 'pruned']);
      expect(t.rows.map((r) => r.slice(0, 4))).toEqual([
        ['dense1', '0', '4 of 16', '0.99 (random 0.00) p = 0.250'],
        ['dense1', '1', '12 of 16', '0.00 (random 0.66) p = 1.000'],
      ]);
      expect(t.rows.map((r) => r[8])).toEqual(['✓', '']);
    }
    expect(section!.text).not.toMatch(/NaN|undefined/);
    await page.screenshot({ path: join(dir, 'excise.png'), fullPage: true });
    await page.close();
  });

  it('draws an excision that found no module carrying the behaviour, without a floor', async () => {
    const { page, problems, figures } = await openReport(browser, out('finding'));
    expect(problems).toEqual([]);
    expectEveryFigureDrawn(figures);
    expect(marksOf(figures, 'agent-fine-tuning')).toEqual([
      {
        curves: { expected: 2, found: 2 },
        'never-trained floors': { expected: 0, found: 0 },
        'intact lines': { expected: 2, found: 2 },
      },
    ]);
    expect(marksOf(figures, 'agent-relearning')).toEqual([
      { 'relearning curves': { expected: 1, found: 1 }, 'intact lines': { expected: 1, found: 1 } },
    ]);
    const [section] = await readSections(page);
    expect(section!.text).toContain('nothing removed: no module of any agent lowers P(fire | the other agent in beam range)');
    expect(section!.text).toMatch(/never-trained floor\s*not run/);
    expect(section!.frames.map((f) => f.natural)).toEqual(Array(4).fill([17, 9]));
    expect(section!.tables.map((t) => t.rows.map((r) => r[8]))).toEqual([
      ['', ''],
      ['', ''],
    ]);
    expect(section!.text).not.toMatch(/NaN|undefined/);
    await page.close();
  });

  it('draws the lesion table by behaviour: a figure per behaviour and each agent’s table, p ≤ 0.05 marked', async () => {
    const { page, problems, figures } = await openReport(browser, out('lesion'));
    expect(problems).toEqual([]);
    expect(figures.map((f) => f.figure)).toEqual(['agent-lesion']);
    expectEveryFigureDrawn(figures);
    // 4 modules × 3 behaviours × 19 random lesions, and 4 × 3 module drops
    expect(marksOf(figures, 'agent-lesion')).toEqual([
      { 'random lesions': { expected: 228, found: 228 }, modules: { expected: 12, found: 12 } },
    ]);
    const [section] = await readSections(page);
    expect(section!.kind).toBe('modscope/agent-lesion');
    expect(section!.blocks).toEqual(['agent-lesion-setting', 'agent-lesion', 'agent-lesion-table', 'agent-lesion-table']);
    expect(section!.tables).toHaveLength(2);
    for (const t of section!.tables) {
      expect(t.head).toEqual(['layer', 'module', 'units', 'fire', 'move', 'collect', 'retain drop', 'score']);
      expect(t.rows).toEqual([
        [
          'dense1',
          '0',
          '4 of 16',
          '0.99 (random 0.01) p = 0.050 ★',
          '−0.01 (random 0.00) p = 0.600',
          '0.75 (random 0.00) p = 0.200',
          '0.00',
          '0.989',
        ],
        [
          'dense1',
          '1',
          '12 of 16',
          '0.00 (random 0.50) p = 1.000',
          '−0.08 (random −0.05) p = 0.650',
          '−1.88 (random −0.50) p = 0.950',
          '1.00',
          '−1.000',
        ],
      ]);
      expect(t.marked).toEqual([['p = 0.050 ★', '650']]);
    }
    expect(section!.text).toContain('With 19 random lesions per module no p can be below 1/20 = 0.050.');
    expect(section!.text).not.toMatch(/NaN|undefined/);
    await page.screenshot({ path: join(dir, 'lesion.png'), fullPage: true });
    console.log(`reports: ${dir}`);
    await page.close();
  });
});
