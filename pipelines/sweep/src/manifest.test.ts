import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forgetClasses, ManifestError, parseManifest, readManifest, sweepEntries } from './manifest.js';

/** The lines of the `ManifestError` a value makes. */
function problems(value: unknown, partitioners?: string[]): readonly string[] {
  try {
    parseManifest(value, { baseDir: '/m', ...(partitioners ? { partitioners } : {}) });
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
  return [];
}

const example = {
  models: ['a.onnx', { name: 'b', path: 'nets/b.onnx' }],
  analyses: [
    { kind: 'cluster', options: { shuffles: 20 } },
    { kind: 'lesion', data: 'fashion-mnist', options: { random: 19, limit: 2000 } },
  ],
  seeds: [0, 1],
};

describe('parseManifest and sweepEntries', () => {
  it('resolves paths against the manifest directory and names the models by file', () => {
    const m = parseManifest(example, { baseDir: '/m' });
    expect(m.models).toEqual([
      { name: 'a', path: resolve('/m/a.onnx') },
      { name: 'b', path: resolve('/m/nets/b.onnx'), network: 'b' },
    ]);
    expect(m.analyses).toEqual([
      { kind: 'cluster', name: 'cluster', options: { shuffles: 20 } },
      { kind: 'lesion', name: 'lesion', data: 'fashion-mnist', options: { random: 19, limit: 2000 } },
    ]);
    expect(m.seeds).toEqual([0, 1]);
  });

  it('expands models × analyses × seeds in that order, with stable names', () => {
    const entries = sweepEntries(parseManifest(example, { baseDir: '/m' }));
    expect(entries.map((e) => e.name)).toEqual([
      'a.cluster.seed0',
      'a.cluster.seed1',
      'a.lesion.seed0',
      'a.lesion.seed1',
      'b.cluster.seed0',
      'b.cluster.seed1',
      'b.lesion.seed0',
      'b.lesion.seed1',
    ]);
    expect(entries[3]).toMatchObject({ model: { name: 'a' }, analysis: { kind: 'lesion' }, seed: 1 });
  });

  it('defaults: seed 0, options none, an analysis named by its kind or its own name; a TF.js model by its directory', () => {
    const m = parseManifest(
      { models: ['nets/tfjs-mlp/model.json'], analyses: [{ kind: 'cluster' }, { kind: 'cluster', name: 'k6', options: { k: 6 } }] },
      { baseDir: '/m' },
    );
    expect(sweepEntries(m).map((e) => e.name)).toEqual(['tfjs-mlp.cluster.seed0', 'tfjs-mlp.k6.seed0']);
    expect(m.analyses[0]!.options).toEqual({});
  });

  it('names every problem in one line: the field by its path in the manifest, and the fix', () => {
    expect(
      problems({
        models: ['a.onnx', 'dir/a.onnx', { name: 'bad name', path: 'c.onnx' }, 'x y.onnx'],
        analyses: [
          { kind: 'cluster', options: { shuffles: '20', seed: 3, nulls: ['layer', 'layer'] } },
          { kind: 'lesion', data: 'cifar', options: { limit: 0 } },
          { kind: 'compare' },
          { kind: 'cluster', options: { partitioner: 'metis' } },
        ],
      }),
    ).toEqual([
      'models[2].name is "bad name": use a name of letters, digits, _, - and ., starting with a letter or digit.',
      `models[3] is "x y.onnx", whose name 'x y' cannot name a result file: give it as { "name": "a-name", "path": "x y.onnx" }.`,
      `models[1] is named 'a' like models[0]: give one { "name", "path" } with another name.`,
      'analyses[0].options.shuffles is "20": use an integer from 0 to 10,000 (0 skips the shuffle test), e.g. 20.',
      'analyses[0].options.nulls is ["layer","layer"]: use a non-empty list of distinct null models: layer, layer-nonzero.',
      `analyses[0].options: unknown key 'seed' (the seeds come from "seeds"); use only k, shuffles, nulls, prune, partitioner, norm, includeDense, view, attention, block.`,
      'analyses[1].data is "cifar": use one of fashion-mnist, mnist, two-task (datasets by name only: a queue worker loads its own copy).',
      'analyses[1].options.limit is 0: use a positive integer, e.g. 2000.',
      'analyses[2].kind is "compare": use "cluster", "lesion" or "excise" (compare and language-model analyses are not supported by sweep yet).',
      `analyses[3] is named 'cluster' like an analysis before it: give it "name": "cluster-2" or another name.`,
      `analyses[3].options.partitioner is "metis": use "spectral".`,
    ]);
  });

  it('names problems of the top level and of lists', () => {
    expect(problems([])).toEqual(['the manifest is []: use an object { "models": […], "analyses": […], "seeds": […] }.']);
    expect(problems({ models: [], analyses: [{ kind: 'cluster' }], seeds: [0, -1, 0], extra: 1 })).toEqual([
      'models is []: use a non-empty list of model paths, or of { "name", "path" }.',
      `seeds[1] is -1: use an integer from 0 to ${2 ** 32 - 1}.`,
      'seeds is [0,-1,0]: use a non-empty list of distinct seeds, e.g. [0, 1, 2].',
      `the manifest: unknown key 'extra'; use only models, analyses, seeds.`,
    ]);
    expect(problems({ models: ['a.onnx'], analyses: [{ kind: 'lesion' }] })).toEqual([
      'analyses[0].data is missing: use one of fashion-mnist, mnist, two-task (datasets by name only: a queue worker loads its own copy).',
    ]);
    expect(problems({ models: ['a.onnx'], analyses: [{ kind: 'cluster' }] }, ['spectral', 'louvain'])).toEqual([]);
  });
});

describe('excise analyses', () => {
  const excise = (options: unknown) => ({ models: ['a.onnx'], analyses: [{ kind: 'excise', data: 'two-task', options }] });

  it('takes a class forget set and the sweep options of modscope excise', () => {
    const options = {
      forget: 'class:3,1',
      limit: 500,
      trainLimit: 2000,
      partition: 'coactivation',
      partitioner: 'louvain',
      k: 6,
      budget: 40,
      forgetTarget: 0.1,
      finetuneSteps: 0,
      evaluateEvery: 10,
      mask: 'released',
      methods: ['module', 'random', 'none'],
      neverTrainedEpochs: 0,
      relearn: [],
      relearnSteps: 20,
      relearnMix: 9,
      relearnFrom: ['module'],
      batchSize: 32,
      learningRate: 0.0005,
    };
    const m = parseManifest(excise(options), { baseDir: '/m', partitioners: ['spectral', 'louvain'] });
    expect(m.analyses).toEqual([{ kind: 'excise', name: 'excise', data: 'two-task', options }]);
    expect(sweepEntries(m).map((e) => e.name)).toEqual(['a.excise.seed0']);
    expect(forgetClasses(' class: 5, 3 ,5')).toEqual([3, 5]);
    expect(problems(excise({ forget: 'class: 5, 3 ,5' }))).toEqual([]);
  });

  it('needs a class forget set and its data, one line each', () => {
    const forget = '(sweep does not run trigger or text forget sets yet: run modscope excise)';
    expect(problems({ models: ['a.onnx'], analyses: [{ kind: 'excise' }] })).toEqual([
      'analyses[0].data is missing: use one of fashion-mnist, mnist, two-task (datasets by name only: a queue worker loads its own copy).',
      `analyses[0].options.forget is missing: use a class forget set, "class:3" or "class:3,5" ${forget}.`,
    ]);
    expect(problems(excise({ forget: 'trigger' }))).toEqual([
      `analyses[0].options.forget is "trigger": use a class forget set, "class:3" or "class:3,5" ${forget}.`,
    ]);
    expect(problems(excise({ forget: 'domain:code' }))).toEqual([
      `analyses[0].options.forget is "domain:code": use a class forget set, "class:3" or "class:3,5" ${forget}.`,
    ]);
    expect(problems(excise({ forget: 'class:-1' }))).toHaveLength(1);
  });

  it('names each bad option in one line, and the seed and unknown options with the keys it takes', () => {
    expect(
      problems(
        excise({
          forget: 'class:3',
          finetuneSteps: -1,
          methods: ['module', 'prune'],
          neverTrainedEpochs: 1.5,
          relearn: [0],
          relearnFrom: 'module',
          partition: 'file.json',
          seed: 1,
          split: 'train',
        }),
      ),
    ).toEqual([
      'analyses[0].options.partition is "file.json": use "weights", "coactivation" or "coactivation-local".',
      'analyses[0].options.finetuneSteps is -1: use an integer from 0 to 1,000,000 (0 measures the pruned networks only), e.g. 200.',
      'analyses[0].options.methods[1] is "prune": use one of module, random, magnitude, selective, none.',
      'analyses[0].options.neverTrainedEpochs is 1.5: use an integer from 0 to 10,000 (0 skips the never-trained floor), e.g. 5.',
      'analyses[0].options.relearn[0] is 0: use a positive integer, e.g. 10.',
      'analyses[0].options.relearnFrom is "module": use "all" or a non-empty list of distinct methods among module, random, magnitude, selective, none.',
      `analyses[0].options: unknown keys 'seed', 'split' (the seeds come from "seeds"); use only forget, limit, trainLimit, partition, partitioner, k, budget, forgetTarget, finetuneSteps, evaluateEvery, mask, methods, neverTrainedEpochs, relearn, relearnSteps, relearnMix, relearnFrom, batchSize, learningRate.`,
    ]);
    expect(problems(excise({ forget: 'class:3', methods: ['module'], relearnFrom: ['random'], partitioner: 'metis' }))).toEqual([
      'analyses[0].options.partitioner is "metis": use "spectral".',
      'analyses[0].options.relearnFrom names random, which options.methods does not run: use "all" or some of module.',
    ]);
  });
});

describe('readManifest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modscope-manifest-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const lines = async (file: string, queue = false) => {
    const error = await readManifest(file, { queue }).catch((e: unknown) => e);
    if (!(error instanceof ManifestError)) throw new Error(`expected a ManifestError, got ${String(error)}`);
    return error.message.split('\n');
  };

  it('reads a manifest whose models are there, resolving them against its directory', async () => {
    write('a.onnx', 'x');
    const file = write('ok.json', JSON.stringify({ models: ['a.onnx'], analyses: [{ kind: 'cluster' }] }));
    const m = await readManifest(file, { queue: true });
    expect(m.file).toBe(file);
    expect(m.models).toEqual([{ name: 'a', path: join(dir, 'a.onnx') }]);
  });

  it('a missing file, text that is not JSON, a missing model, a non-ONNX model on a queue: one line each', async () => {
    expect(await lines(join(dir, 'none.json'))).toEqual([
      `none.json: ${join(dir, 'none.json')} is no such file: give the path of a sweep manifest (JSON).`,
    ]);
    expect((await lines(write('bad.json', '{ models: ')))[0]).toMatch(/^bad\.json: not JSON \(.+\): write the manifest as JSON\.$/);
    write('m.json', 'x');
    const file = write(
      'missing.json',
      JSON.stringify({ models: ['gone.onnx', { name: 'm', path: 'm.json' }], analyses: [{ kind: 'cluster' }] }),
    );
    expect(await lines(file)).toEqual([
      `missing.json: models[0]: no file ${join(dir, 'gone.onnx')}: fix the path (relative to the manifest's directory).`,
    ]);
    expect(await lines(file, true)).toEqual([
      `missing.json: models[0]: no file ${join(dir, 'gone.onnx')}: fix the path (relative to the manifest's directory).`,
      `missing.json: models[1].path: ${join(dir, 'm.json')} is not one .onnx file: a queued sweep sends each model as one ONNX file; run TF.js models without a queue.`,
    ]);
  });
});
