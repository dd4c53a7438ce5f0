import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createRandom, type Random } from '@modscope/core';
import { fixture } from '../../run-cli.js';
import { mutateIdx, mutateJsonFile, mutateTfjsManifest } from './file-mutations.js';
import { mutateOnnx } from './onnx-mutations.js';
import { byteMutation, HOSTILE_OPTION_VALUES, pick } from './random-values.js';

/** One run of the CLI on a hostile input. */
export interface FuzzCase {
  index: number;
  kind: 'onnx' | 'tfjs' | 'idx' | 'results' | 'options';
  /** What was mutated, in words (to reproduce a failure by hand). */
  mutation: string;
  args: string[];
  /** The case's own directory: every file it reads or writes is in it. */
  dir: string;
  /** Files the run must leave exactly as they were. */
  inputs: string[];
  /** The file the command writes on success, if any; it must be whole, or untouched on failure. */
  output?: { path: string; format: 'json' | 'html' };
}

/** Unmutated files every case starts from, made once per fuzz run in `dir`. */
export interface FuzzBases {
  dir: string;
  /** A small Fashion-MNIST test split (raw IDX) that models accept. */
  idxDir: string;
  /** Results of `cluster` and `lesion` on resnet-tiny. */
  clusterJson: string;
  lesionJson: string;
}

const ONNX_MODELS = ['resnet-tiny.onnx', 'cnn-fashion.onnx', 'mlp-sigmoid-tanh.onnx', 'lm/lm-tiny.onnx'];
/** Text a mutated language model is evaluated on. */
const TEXT = 'en=/usr/share/games/fortunes/people';
const TFJS_MODELS = ['tfjs-mlp', 'tfjs-cnn'];
const FASHION = '/usr/share/datasets/fashion-mnist';

/** The first `count` Fashion-MNIST test examples as raw IDX files in `dir` (as `--data DIR` reads them). */
function writeSmallIdx(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  const images = gunzipSync(readFileSync(join(FASHION, 't10k-images-idx3-ubyte.gz')));
  const labels = gunzipSync(readFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz')));
  const imageHeader = Buffer.from(images.subarray(0, 16));
  imageHeader.writeUInt32BE(count, 4);
  const labelHeader = Buffer.from(labels.subarray(0, 8));
  labelHeader.writeUInt32BE(count, 4);
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), Buffer.concat([imageHeader, images.subarray(16, 16 + count * 784)]));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), Buffer.concat([labelHeader, labels.subarray(8, 8 + count)]));
}

function outputArgs(random: Random, dir: string, flag: string, name: string, format: 'json' | 'html') {
  const path = join(dir, name);
  // a quarter of the runs find a file already there: a failed run must leave it as it was
  if (random.int(4) === 0) writeFileSync(path, 'contents from before this run\n');
  return { args: [flag, path], output: { path, format } };
}

function onnxCase(random: Random, dir: string): Omit<FuzzCase, 'index' | 'kind' | 'dir'> {
  const file = pick(random, ONNX_MODELS);
  const mutated = mutateOnnx(random, file, readFileSync(fixture(file)));
  const model = join(dir, 'model.onnx');
  writeFileSync(model, mutated.bytes);
  const command = random.int(10);
  if (command < 4) return { mutation: mutated.name, args: ['inspect', model], inputs: [model] };
  if (command < 7) {
    const out = outputArgs(random, dir, '--json', 'cluster.json', 'json');
    return {
      mutation: mutated.name,
      args: ['cluster', model, '--k', '4', '--shuffles', '2', ...out.args],
      inputs: [model],
      output: out.output,
    };
  }
  const examples = file.startsWith('lm/')
    ? ['--text', TEXT, '--tokenizer', fixture('lm/vocab.json')]
    : ['--data', 'fashion-mnist', '--limit', '64'];
  return { mutation: mutated.name, args: ['evaluate', model, ...examples], inputs: [model] };
}

function tfjsCase(random: Random, dir: string): Omit<FuzzCase, 'index' | 'kind' | 'dir'> {
  const base = pick(random, TFJS_MODELS);
  const modelDir = join(dir, 'model');
  mkdirSync(modelDir);
  const json = join(modelDir, 'model.json');
  const weights = join(modelDir, 'weights.bin');
  copyFileSync(fixture(`${base}/weights.bin`), weights);
  const text = readFileSync(fixture(`${base}/model.json`), 'utf8');
  let mutation: string;
  const how = random.int(4);
  if (how === 0) {
    const m = byteMutation(random, readFileSync(weights));
    writeFileSync(weights, m.bytes);
    writeFileSync(json, text);
    mutation = `weights.bin: ${m.name}`;
  } else {
    const m = how === 1 ? mutateJsonFile(random, text) : mutateTfjsManifest(random, text);
    writeFileSync(json, m.text);
    mutation = `model.json: ${m.name}`;
  }
  const args = random.int(3) < 2 ? ['inspect', modelDir] : ['evaluate', modelDir, '--data', 'fashion-mnist', '--limit', '32'];
  return { mutation: `${base} ${mutation}`, args, inputs: [json, weights] };
}

function idxCase(random: Random, dir: string, bases: FuzzBases): Omit<FuzzCase, 'index' | 'kind' | 'dir'> {
  const data = join(dir, 'data');
  mkdirSync(data);
  const files = ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
  for (const f of files) copyFileSync(join(bases.idxDir, f), join(data, f));
  const target = pick(random, files);
  const m = mutateIdx(random, readFileSync(join(data, target)));
  writeFileSync(join(data, target), m.bytes);
  return {
    mutation: `${target}: ${m.name}`,
    args: ['evaluate', fixture('mlp-sigmoid-tanh.onnx'), '--data', data, '--limit', '50'],
    inputs: files.map((f) => join(data, f)),
  };
}

function resultsCase(random: Random, dir: string, bases: FuzzBases): Omit<FuzzCase, 'index' | 'kind' | 'dir'> {
  const lesionRun = random.int(4) === 0;
  const source = lesionRun ? bases.clusterJson : pick(random, [bases.clusterJson, bases.lesionJson]);
  const m = mutateJsonFile(random, readFileSync(source, 'utf8'));
  const results = join(dir, 'results.json');
  writeFileSync(results, m.text);
  const mutation = `${source.endsWith('cluster.json') ? 'cluster' : 'lesion'} result: ${m.name}`;
  if (lesionRun) {
    const args = [
      'lesion',
      fixture('resnet-tiny.onnx'),
      '--partition',
      results,
      '--data',
      'fashion-mnist',
      '--limit',
      '64',
      '--random',
      '3',
    ];
    return { mutation, args, inputs: [results] };
  }
  const out = outputArgs(random, dir, '--out', 'report.html', 'html');
  return { mutation, args: ['report', results, ...out.args], inputs: [results], output: out.output };
}

/** Option values that are wrong, or right but cheap: no accepted value may start a long run. */
const OPTION_TEMPLATES: { args: (model: string) => string[]; options: string[] }[] = [
  { args: (m) => ['cluster', m, '--shuffles', '2'], options: ['--k', '--shuffles', '--prune', '--seed', '--workers', '--nulls', '--norm'] },
  {
    args: (m) => ['evaluate', m, '--data', 'fashion-mnist'],
    options: ['--limit', '--batch-size', '--mean', '--std', '--split', '--engine', '--data'],
  },
  {
    args: (m) => ['lesion', m, '--data', 'fashion-mnist', '--limit', '64', '--random', '2', '--k', '4'],
    options: ['--random', '--top', '--k', '--limit', '--partition', '--measure'],
  },
];

function optionsCase(random: Random, dir: string): Omit<FuzzCase, 'index' | 'kind' | 'dir'> {
  const template = pick(random, OPTION_TEMPLATES);
  const option = pick(random, template.options);
  let value: string = pick(random, HOSTILE_OPTION_VALUES);
  if (option === '--nulls') value = pick(random, ['', ',', 'layer,layer', 'layer,,layer-nonzero', 'none', 'LAYER']);
  // keep accepted values cheap: counts that would make long runs are drawn only where they must be refused
  if (['--shuffles', '--random', '--limit'].includes(option) && value === '0x10') value = '0x2';
  const model = join(dir, 'resnet-tiny.onnx');
  copyFileSync(fixture('resnet-tiny.onnx'), model);
  return { mutation: `${option} '${value}'`, args: [...template.args(model), option, value], inputs: [model] };
}

/** Makes the bases in `dir`, running nothing that could fail on purpose (the caller runs the CLI for the results). */
export function fuzzBases(dir: string): Omit<FuzzBases, 'clusterJson' | 'lesionJson'> {
  const idxDir = join(dir, 'idx');
  writeSmallIdx(idxDir, 200);
  return { dir, idxDir };
}

/** Case `index` of the run seeded `seed`: its files are written into `root/case-<index>`. */
export function fuzzCase(seed: number, index: number, root: string, bases: FuzzBases): FuzzCase {
  const random = createRandom(seed).fork(index);
  const dir = join(root, `case-${index}`);
  mkdirSync(dir, { recursive: true });
  const roll = random.int(100);
  const kind: FuzzCase['kind'] = roll < 45 ? 'onnx' : roll < 57 ? 'tfjs' : roll < 67 ? 'idx' : roll < 85 ? 'results' : 'options';
  const made =
    kind === 'onnx'
      ? onnxCase(random, dir)
      : kind === 'tfjs'
        ? tfjsCase(random, dir)
        : kind === 'idx'
          ? idxCase(random, dir, bases)
          : kind === 'results'
            ? resultsCase(random, dir, bases)
            : optionsCase(random, dir);
  return { index, kind, dir, ...made };
}
