import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networkToOnnx } from '@modscope/loader-onnx';
import type { AgentExciseResultFile, AgentLesionResultFile } from '@modscope/results';
import { createNetwork } from '@modscope/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, runCliAsync } from './run-cli.js';
import { expectPublishedSchemaValid } from './support/published-schemas.js';
import { expectEveryFigureDrawn, launchChromium, openReport } from './support/report-page.js';

// Issue 18: `modscope lesion DIR --env gathering` and `modscope excise DIR --env gathering --forget behaviour:fire`
// on agents `modscope train --env` wrote; bad input is one line and a non-zero exit.
const dir = mkdtempSync(join(tmpdir(), 'modscope-cli-agents-excise-'));
const agents = join(dir, 'agents');

describe('modscope lesion and excise --env gathering', () => {
  beforeAll(async () => {
    const r = await runCliAsync(['train', '--env', 'gathering', '--regrowth', '0.02', '--updates', '2', '--seed', '5', '--out', agents]);
    expect(r.code).toBe(0);
  }, 120_000);

  it('tables every module of both policies by behaviour, with random lesions and p-values', async () => {
    const json = join(dir, 'lesion.json');
    const report = join(dir, 'lesion.html');
    const r = await runCliAsync(['lesion', agents, '--env', 'gathering', '--k', '4', '--random', '3', '--json', json, '--report', report]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^behaviours: fire = P\(fire \| the other agent in beam range\); move = .*; collect = apples collected per episode$/m,
    );
    expect(r.stdout).toMatch(/^agent 1 \(weights, k 4, 12,800 recorded states\):$/m);
    expect(r.stdout).toMatch(/module +units +Δfire +Δmove +Δcollect +score/);
    expectPublishedSchemaValid(json);
    const result = JSON.parse(readFileSync(json, 'utf8')) as AgentLesionResultFile;
    expect(result.environment.settings.regrowth).toBe(0.02);
    expect(result.agents).toHaveLength(2);
    for (const m of result.agents[0]!.modules) {
      expect(m.random.fire).toHaveLength(3);
      expect(Object.keys(m.p).sort()).toEqual(['collect', 'fire', 'move']);
    }
    expect(readFileSync(report, 'utf8')).toContain('by behaviour</h2>');
  }, 120_000);

  it('excises aggression end to end: lesion table, fine-tuning in abundance, floor, relearning attack, JSON and report', async () => {
    const json = join(dir, 'excise.json');
    const report = join(dir, 'excise.html');
    const r = await runCliAsync([
      'excise',
      agents,
      '--env',
      'gathering',
      '--forget',
      'behaviour:fire',
      '--k',
      '4',
      '--updates',
      '2',
      '--evaluate-every',
      '1',
      '--relearn-updates',
      '1',
      '--random',
      '1',
      '--json',
      json,
      '--report',
      report,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^behaviour removed: fire — P\(fire \| the other agent in beam range\); task competence: apples collected per episode$/m,
    );
    expect(r.stdout).toMatch(/^measured in gathering \(regrowth 0\.02, .*\); fine-tuned in gathering \(regrowth 0\.3, .*\)$/m);
    expect(r.stdout).toMatch(/^never-trained floor: fire \d+\.\d\d%/m);
    expect(r.stdout).toMatch(/^no pruning \(fine-tune only\) +0 /m);
    expectPublishedSchemaValid(json);
    const result = JSON.parse(readFileSync(json, 'utf8')) as AgentExciseResultFile;
    expect(result.trusted.settings.regrowth).toBe(0.3);
    expect(result.floor!.updates).toBe(2);
    expect(result.methods.at(-1)!.curve.map((p) => p.update)).toEqual([0, 1, 2]);
    expect(result.relearning.map((x) => x.model)).toContain('never-trained');
    // the report of a real run, in Chromium: every figure drawn with its marks, frames loaded, nothing missing
    const browser = await launchChromium();
    try {
      const opened = await openReport(browser, report);
      expect(opened.problems).toEqual([]);
      expectEveryFigureDrawn(opened.figures);
      expect(opened.figures.length).toBeGreaterThanOrEqual(2);
      const frames = await opened.page.evaluate(() => [...document.querySelectorAll('img')].map((i) => [i.naturalWidth, i.naturalHeight]));
      expect(frames.length).toBeGreaterThan(0);
      for (const size of frames) expect(size).toEqual([17, 9]);
      expect(await opened.page.evaluate(() => document.body.innerText)).not.toMatch(/NaN|undefined/);
    } finally {
      await browser.close();
    }
  }, 300_000);

  it('refuses bad input in one line each: environment, behaviour, options of classifiers, a policy of the wrong size', async () => {
    const fail = async (args: string[]) => expectCleanFailure(await runCliAsync(args));
    expect(await fail(['lesion', agents, '--env', 'mars'])).toBe(
      "modscope: unknown environment 'mars': modscope knows gathering. Use --env gathering.",
    );
    expect(await fail(['excise', agents, '--env', 'gathering', '--forget', 'behaviour:dance'])).toMatch(
      /environment 'gathering' has no behaviour 'dance'; it has fire, move, collect\. Use one of: fire/,
    );
    expect(await fail(['excise', agents, '--env', 'gathering', '--forget', 'class:3'])).toMatch(/--forget 'class:3' names no behaviour/);
    expect(await fail(['excise', agents, '--env', 'gathering', '--forget', 'behaviour:fire', '--data', 'two-task'])).toMatch(
      /--data is not an option of excise --env \(agents\)/,
    );
    expect(await fail(['excise', agents, '--env', 'gathering', '--forget', 'behaviour:fire', '--trusted-regrowth', '2'])).toMatch(
      /'--trusted-regrowth <p>' argument '2' is invalid\. expected a fraction in \[0, 1\]/,
    );
    expect(await fail(['lesion', agents, '--regrowth', '0.1', '--data', 'two-task'])).toMatch(
      /--regrowth is an option of agents \(--env\)/,
    );
    expect(await fail(['lesion', join(dir, 'nowhere'), '--env', 'gathering'])).toMatch(
      /training record of agents not found: .*train\.json/,
    );
    // a policy that takes 10 inputs where the environment observes 148
    const wrong = join(dir, 'wrong');
    cpSync(agents, wrong, { recursive: true });
    writeFileSync(join(wrong, 'agent-0', 'policy', 'model.onnx'), networkToOnnx(createNetwork('10-8-8')));
    expect(await fail(['lesion', wrong, '--env', 'gathering', '--k', '4', '--random', '1'])).toMatch(
      /agent 0's policy network '.*' takes 10 inputs, but environment 'gathering' observes 148 values per agent\. Give it 148 inputs/,
    );
  }, 300_000);
});
