import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-excise-'));
const model = fixture('clusterability/control.onnx');
/** Small and quick: 1,000 test and 3,000 training images, 30 fine-tuning steps. */
const quick = ['--data', 'fashion-mnist', '--limit', '1000', '--train-limit', '3000', '--finetune-steps', '30', '--evaluate-every', '10'];

type Method = {
  name: string;
  method: string;
  baseline: boolean;
  units: number;
  selection: { layer: string; units: number[] }[];
  forget: number;
  retain: number;
  curve: { step: number; forget: number; retain: number }[];
  stats: Record<string, number | null>;
  weightDistance: number;
};

describe('modscope excise', () => {
  let result: Record<string, any>;
  let stdout: string;
  const json = join(dir, 'excise.json');
  const report = join(dir, 'excise.html');

  beforeAll(() => {
    // The unpruned control MLP, forgetting class 7 (Sneaker) with at most 64 units.
    const r = runCli([
      'excise',
      model,
      ...quick,
      '--forget',
      'class:7',
      '--budget',
      '64',
      '--never-trained-epochs',
      '1',
      '--relearn',
      '10',
      '--relearn-steps',
      '10',
      '--json',
      json,
      '--report',
      report,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    stdout = r.stdout;
    result = JSON.parse(readFileSync(json, 'utf8'));
  }, 120_000);

  it('writes the result with every field the report reads', () => {
    expect(result).toMatchObject({
      kind: 'modscope/excise',
      version: 2,
      model: 'control.onnx',
      dataset: 'fashion-mnist',
      forget: 'class 7 (Sneaker)',
      forgetMetric: 'accuracy on the forgotten classes',
      mask: 'held',
      steps: 30,
    });
    expect(result.retain).toBe('the other 9 classes');
    expect(result.examples.forget + result.examples.retain).toBe(1000);
    expect(result.intact.forget).toBeGreaterThan(0.8);
    expect(result.methods.map((m: Method) => [m.method, m.baseline])).toEqual([
      ['module', false],
      ['random', true],
      ['magnitude', true],
      ['selective', true],
      ['none', true],
    ]);
    for (const m of result.methods as Method[]) {
      expect(m.curve.map((p) => p.step)).toEqual([0, 10, 20, 30]);
      expect(m.curve[0]).toMatchObject({ forget: m.forget, retain: m.retain });
      expect(Object.keys(m.stats).sort()).toEqual(['finalForget', 'finalRetain', 'forgetArea', 'stepsToHalf']);
      expect(m.weightDistance).toBeGreaterThan(0);
    }
    // the relearning attack from every method's fine-tuned network (the default, --relearn-from all) and from the floor
    expect(result.relearning.map((x: { model: string; examples: number }) => `${x.model}:${x.examples}`)).toEqual([
      'module:10',
      'random:10',
      'magnitude:10',
      'selective:10',
      'none:10',
      'never-trained:10',
    ]);
    for (const x of result.relearning) {
      expect(x.retainExamples).toBe(90);
      expect(typeof x.degenerate).toBe('boolean');
    }
  });

  it('prunes a module that cuts the forget accuracy more than the retain accuracy, within the budget', () => {
    const module = result.methods[0] as Method;
    expect(module.units).toBeGreaterThan(0);
    expect(module.units).toBeLessThanOrEqual(64);
    expect(module.units).toBe(result.chosen.reduce((s: number, c: { size: number }) => s + c.size, 0));
    const forgetDrop = result.intact.forget - module.forget;
    const retainDrop = result.intact.retain - module.retain;
    expect(forgetDrop).toBeGreaterThan(0.1);
    expect(forgetDrop).toBeGreaterThan(retainDrop + 0.05);
    // no pruning leaves the network as it is until fine-tuning starts
    const none = result.methods[4] as Method;
    expect(none.units).toBe(0);
    expect(none.forget).toBeCloseTo(result.intact.forget, 10);
  });

  it('gives every pruning baseline the same number of units in the same layers', () => {
    const perLayer = (m: Method) => Object.fromEntries(m.selection.map((s) => [s.layer, s.units.length]));
    const module = result.methods[0] as Method;
    for (const m of (result.methods as Method[]).slice(1, 4)) {
      expect(m.units, m.method).toBe(module.units);
      expect(perLayer(m), m.method).toEqual(perLayer(module));
    }
    // and different units: the random baseline is not the module
    const random = result.methods[1] as Method;
    expect(random.selection.flatMap((s) => s.units)).not.toEqual(module.selection.flatMap((s) => s.units));
  });

  it('trains the never-trained floor on retain data only, so it does not know the forgotten class', () => {
    expect(result.floor).toMatchObject({ epochs: 1, training: 'epochs' });
    // one epoch on 3,000 images: whether that is a floor (retain within 1 point of the intact model's) is said
    expect(result.floor.comparable).toBe(result.floor.retainGap <= 0.01 + 1e-9);
    expect(stdout.includes('note: the never-trained floor is no floor')).toBe(!result.floor.comparable);
    expect(result.floor.forget).toBeLessThan(0.05);
    expect(result.floor.retain).toBeGreaterThan(0.5);
  });

  it('prints a before/after table, the floor and the relearning attack, and writes the report', () => {
    expect(stdout).toMatch(/^intact: forget \d+\.\d\d%, retain \d+\.\d\d%/m);
    expect(stdout).toMatch(
      /^method\s+units\s+forget pruned\s+retain pruned\s+forget tuned\s+retain tuned\s+steps to half\s+forget area\s+weight distance$/m,
    );
    for (const name of ['module pruning', 'random units', 'lowest-magnitude units', 'selective pruning', 'no pruning'])
      expect(stdout).toMatch(new RegExp(`^${name}\\s+\\d+\\s+\\d+\\.\\d\\d%`, 'm'));
    expect(stdout).toMatch(/^never-trained floor \(1 epoch from scratch on retain data\): forget \d+\.\d\d%/m);
    // a relearning row per start: every method and baseline, then the floor; DEGENERATE where retain collapsed
    const rows = stdout.slice(stdout.indexOf('relearning attack (')).split('\n');
    for (const name of ['module pruning', 'random units', 'lowest-magnitude units', 'selective pruning', 'no pruning', 'never-trained']) {
      const row = rows.find((line) => new RegExp(`^${name}\\s+10\\s+90\\s+`).test(line));
      expect(row, name).toBeDefined();
      const start = name === 'never-trained' ? 'never-trained' : (result.methods as Method[]).find((m) => m.name === name)!.method;
      expect(row!.trimEnd().endsWith('DEGENERATE'), name).toBe(
        result.relearning.find((x: { model: string }) => x.model === start).degenerate,
      );
    }
    expect(stdout).toMatch(
      /from module pruning, random units, lowest-magnitude units, selective pruning and no pruning \(each after its retain fine-tuning\) and from the never-trained floor/,
    );
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('data-kind="modscope/excise"');
    expect(html).toContain('data-figure="recovery"');
    expect(html).toContain('data-figure="relearning"');
  });
});

describe('modscope excise --forget trigger', () => {
  it('without --trigger uses the patch modscope train plants: 4×4 of 1 in the bottom-right corner', () => {
    const r = runCli([
      'excise',
      model,
      '--data',
      'fashion-mnist',
      '--forget',
      'trigger',
      '--target',
      '0',
      '--limit',
      '300',
      '--train-limit',
      '600',
      '--finetune-steps',
      '0',
      '--methods',
      'module,random',
      '--no-never-trained',
      '--relearn',
      'none',
      '--json',
      '-',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.forget).toBe('the trigger (4×4 patch of 1 at row 24, col 24) → class 0');
    expect(result.forgetMetric).toBe('trigger-specific attack success rate');
    expect(result.intact.forget).toBeCloseTo(result.intact.attack.triggered - result.intact.attack.clean, 12);
  });
});

describe('modscope excise refuses bad input in one line', () => {
  const fail = (args: string[]) => runCli(['excise', model, '--data', 'fashion-mnist', '--limit', '200', '--train-limit', '500', ...args]);

  it('a class the dataset does not have', () => {
    const r = fail(['--forget', 'class:10']);
    expect(r.code).toBe(1);
    expect(expectCleanFailure(r)).toMatch(/class 10 does not exist in 'fashion-mnist', which has classes 0\.\.9/);
  });

  it('a budget larger than the network', () => {
    const r = fail(['--forget', 'class:3', '--budget', '5000']);
    expect(r.code).toBe(1);
    expect(expectCleanFailure(r)).toMatch(
      /a budget of 5000 units does not fit 'control.onnx', which has 1024 hidden units\. Use a budget from 1 to 1024/,
    );
  });

  it('a trigger that does not fit the input shape', () => {
    const r = fail(['--forget', 'trigger', '--trigger', 'row=26,col=26,size=4', '--target', '0']);
    expect(r.code).toBe(1);
    expect(expectCleanFailure(r)).toMatch(/Shape mismatch for a 4×4 trigger at row 26, col 26 .*expected a patch within a 28×28 image/);
  });

  it('a trigger without its target, and options of the wrong kind', () => {
    expect(expectCleanFailure(fail(['--forget', 'trigger', '--trigger', 'row=2,col=2,size=4']))).toMatch(
      /needs the class the trigger sends inputs to/,
    );
    const methods = fail(['--forget', 'class:3', '--methods', 'module,lottery']);
    expect(expectCleanFailure(methods)).toMatch(/unknown method 'lottery'/);
    expect(methods.code).toBe(2);
    const from = fail(['--forget', 'class:3', '--methods', 'module,none', '--relearn-from', 'random']);
    expect(expectCleanFailure(from)).toMatch(
      /--relearn-from names random, which --methods does not run\. Use all, or some of: module, none/,
    );
    expect(from.code).toBe(2);
    const relearn = fail(['--forget', 'class:3', '--relearn', 'ten']);
    expect(expectCleanFailure(relearn)).toMatch(/--relearn 'ten' is not a list of example counts/);
    expect(relearn.code).toBe(2);
    const usage = fail(['--forget', 'class:3', '--mask', 'loose']);
    expect(usage.code).toBe(2);
  });

  it('a learning rate or forget target that is not a number in range (never silently the default)', () => {
    for (const [option, value, message] of [
      ['--learning-rate', '0', /expected a positive number/],
      ['--learning-rate', 'abc', /expected a positive number/],
      ['--forget-target', '1.5', /expected a fraction in \[0, 1\]/],
    ] as const) {
      const r = fail(['--forget', 'class:3', option, value]);
      expect(r.code, `${option} ${value}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('a training split without forget examples for the relearning attack, before any work', () => {
    // the first 10 training images hold no Trouser (class 1)
    const r = runCli(['excise', model, '--data', 'fashion-mnist', '--limit', '200', '--train-limit', '10', '--forget', 'class:1']);
    expect(r.code).toBe(1);
    expect(expectCleanFailure(r)).toMatch(
      /no examples of the forget set \(class 1 \(Trouser\)\) for the relearning attack.*--relearn none/,
    );
  });
});

describe('modscope excise: the never-trained floor repeats the model’s own recipe', () => {
  const trained = mkdtempSync(join(tmpdir(), 'modscope-excise-recipe-'));
  afterAll(() => rmSync(trained, { recursive: true, force: true }));
  const excise = (...args: string[]) =>
    runCli([
      'excise',
      join(trained, 'model.onnx'),
      '--data',
      'two-task',
      '--forget',
      'class:1',
      '--limit',
      '400',
      '--train-limit',
      '800',
      '--finetune-steps',
      '0',
      '--methods',
      'module',
      '--relearn',
      'none',
      '--k',
      '4',
      '--json',
      '-',
      ...args,
    ]);

  it('reads epochs, batch size and optimizer from the train.json beside the model; --never-trained-epochs overrides it', () => {
    const train = runCli([
      'train',
      '--data',
      'two-task',
      '--arch',
      '32-32-8',
      '--epochs',
      '3',
      '--batch-size',
      '32',
      '--limit',
      '800',
      '--out',
      trained,
    ]);
    expect(train.code).toBe(0);
    const r = excise();
    expect(r.stderr).toBe('');
    const floor = JSON.parse(r.stdout).floor;
    expect(floor).toMatchObject({ training: 'recipe', epochs: 3, recipe: join(trained, 'train.json') });
    expect(floor.comparable).toBe(floor.retainGap <= 0.01 + 1e-9);
    expect(JSON.parse(excise('--never-trained-epochs', '2').stdout).floor).toMatchObject({ training: 'epochs', epochs: 2 });
  });

  it('a train.json it cannot read is one line naming it, with the way around it', () => {
    writeFileSync(join(trained, 'train.json'), '{"kind": "modscope/train", "version": 1}');
    const r = excise();
    expect(r.code).toBe(1);
    expect(expectCleanFailure(r)).toMatch(
      /the never-trained floor would repeat the recipe of .*train\.json, which cannot be read: .*--never-trained-epochs N/,
    );
  });
});

describe('modscope excise on a CNN (conv layers train on wasm)', () => {
  it('prunes channels of a conv layer, fine-tunes, trains the floor and runs the relearning attack', () => {
    const r = runCli([
      'excise',
      fixture('cnn-fashion.onnx'),
      '--data',
      'fashion-mnist',
      '--forget',
      'class:3',
      '--limit',
      '200',
      '--train-limit',
      '400',
      '--finetune-steps',
      '10',
      '--evaluate-every',
      '5',
      '--methods',
      'module,random',
      '--relearn',
      '10',
      '--relearn-steps',
      '3',
      '--relearn-from',
      'module',
      '--never-trained-epochs',
      '1',
      '--k',
      '4',
      '--json',
      '-',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    const [module, random] = result.methods as Method[];
    expect(module!.units).toBeGreaterThan(0);
    expect(module!.selection.some((s) => /Conv/.test(s.layer))).toBe(true);
    expect(random!.units).toBe(module!.units);
    for (const m of [module!, random!]) expect(m.curve.map((p) => p.step)).toEqual([0, 5, 10]);
    expect(result.floor).toMatchObject({ training: 'epochs', epochs: 1 });
    expect(result.relearning.map((x: { model: string }) => x.model)).toEqual(['module', 'never-trained']);
    expect(result.relearning[0].curve[0].forget).toBeCloseTo(module!.curve.at(-1)!.forget, 12);
  });
});
