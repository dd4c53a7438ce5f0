import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, appendFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptFileError } from '@modscope/core';
import { readModelArtifacts } from './read-model-artifacts.js';
import { useTestBackend } from './test-support/use-test-backend.js';
import { tfjsLoader } from './tfjs-loader.js';

// The hostile-input cases of issue 15: each mutates a copy of fixtures/tfjs-mlp and expects one line.
const fixture = resolve(import.meta.dirname, '../../../fixtures/tfjs-mlp');
const root = mkdtempSync(join(tmpdir(), 'modscope-tfjs-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(useTestBackend);

const modelText = readFileSync(join(fixture, 'model.json'), 'utf8');
const weightBytes = 437_544; // (784·128 + 128 + 128·64 + 64 + 64·10 + 10) float32

interface ModelJson {
  weightsManifest: { paths: unknown[]; weights: Record<string, unknown>[] }[];
  [key: string]: unknown;
}

/** A copy of the fixture in its own directory, with model.json replaced by `text` or edited by `edit`. */
function copy(name: string, change: { text?: string; edit?: (json: ModelJson) => void } = {}): string {
  const dir = join(root, name);
  cpSync(fixture, dir, { recursive: true });
  if (change.text !== undefined) writeFileSync(join(dir, 'model.json'), change.text);
  if (change.edit) {
    const json = JSON.parse(modelText) as ModelJson;
    change.edit(json);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  }
  return dir;
}

/** The error loading `dir` through the loader's routing (canLoad, then load) gives. */
async function loadError(dir: string): Promise<CorruptFileError> {
  expect(await tfjsLoader.canLoad(dir)).toBe(true);
  const error = await tfjsLoader.load(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CorruptFileError);
  return error as CorruptFileError;
}

describe('model.json syntax', () => {
  it('truncated JSON: the line and column where the text ends', async () => {
    const cut = modelText.slice(0, modelText.indexOf('"weightsManifest"'));
    const dir = copy('truncated', { text: cut });
    const error = await loadError(dir);
    expect(error).toMatchObject({
      path: join(dir, 'model.json'),
      format: 'JSON',
      reason: `unexpected end of input, expected a property name in double quotes at line 1 column ${cut.length + 1}`,
    });
    expect(error.message).toContain(`${join(dir, 'model.json')} is not a valid JSON file: unexpected end of input`);
  });

  it('a UTF-8 byte order mark is skipped: the model loads', async () => {
    const dir = copy('bom', { text: `\uFEFF${modelText}` });
    expect(await tfjsLoader.canLoad(dir)).toBe(true);
    const { network } = await tfjsLoader.load(dir);
    expect(network.layers.filter((l) => l.kind === 'dense').map((l) => l.outputShape)).toEqual([[128], [64], [10]]);
  });

  it('trailing bytes after the JSON value: their line and column', async () => {
    const dir = copy('trailing', { text: `${modelText}\n}garbage` });
    expect(await loadError(dir)).toMatchObject({
      format: 'JSON',
      reason: "unexpected '}' after the end of the JSON value at line 2 column 1",
    });
  });

  it('the JSON null is not a model', async () => {
    const dir = copy('null', { text: 'null\n' });
    expect(await loadError(dir)).toMatchObject({
      format: 'TF.js model.json',
      reason: 'the JSON is null, expected an object with modelTopology and weightsManifest',
    });
  });

  it('a broken model.json passed as a file is claimed too', async () => {
    const dir = copy('broken-file', { text: '{"modelTopology": {' });
    expect(await tfjsLoader.canLoad(join(dir, 'model.json'))).toBe(true);
    await expect(tfjsLoader.load(join(dir, 'model.json'))).rejects.toMatchObject({
      reason: "unexpected end of input, expected '}' at line 1 column 20",
    });
  });
});

describe('model.json schema', () => {
  it('a weight entry without shape names the entry', async () => {
    const dir = copy('no-shape', { edit: (json) => delete json.weightsManifest[0]!.weights[3]!.shape });
    expect(await loadError(dir)).toMatchObject({
      format: 'TF.js model.json',
      reason: "weightsManifest[0].weights[3] ('dense_2/bias') has no shape",
    });
  });

  it('a negative dimension names the dimension', async () => {
    const dir = copy('negative-dim', { edit: (json) => (json.weightsManifest[0]!.weights[2]!.shape = [128, -64]) });
    expect(await loadError(dir)).toMatchObject({
      reason: "weightsManifest[0].weights[2] ('dense_2/kernel').shape[1] is -64, expected a non-negative integer",
    });
  });

  it('a dtype modscope does not read names the entry and the dtypes it reads', async () => {
    const dir = copy('string-dtype', { edit: (json) => (json.weightsManifest[0]!.weights[1]!.dtype = 'string') });
    expect(await loadError(dir)).toMatchObject({
      reason: "weightsManifest[0].weights[1] ('dense_1/bias').dtype is 'string', expected 'float32' or 'int32'",
    });
  });

  it('a shard path that is not a string', async () => {
    const dir = copy('numeric-path', { edit: (json) => (json.weightsManifest[0]!.paths = [7]) });
    expect(await loadError(dir)).toMatchObject({ reason: 'weightsManifest[0].paths[0] is 7, expected a file name' });
  });

  it('a graph model is refused by its format', async () => {
    const dir = copy('graph-model', { edit: (json) => (json.format = 'graph-model') });
    expect(await loadError(dir)).toMatchObject({
      reason: "format is 'graph-model', expected 'layers-model' (modscope reads TF.js LayersModels, not graph models)",
    });
  });

  it('a topology without a layer list', async () => {
    const dir = copy('no-layers', { edit: (json) => (json.modelTopology = { class_name: 'Sequential', config: { layers: 5 } }) });
    expect(await loadError(dir)).toMatchObject({ reason: 'modelTopology.config.layers is 5, expected a list of layers' });
  });
});

describe('weight shard paths stay in the model directory', () => {
  // Each escape target is a correct copy of weights.bin: only the confinement check stops the load.
  const outside = join(root, 'outside');
  beforeAll(() => {
    mkdirSync(outside, { recursive: true });
    cpSync(join(fixture, 'weights.bin'), join(outside, 'weights.bin'));
  });
  const setPaths = (paths: string[]) => (json: ModelJson) => {
    json.weightsManifest[0]!.paths = paths;
  };

  it('a path with ../ is refused', async () => {
    const dir = copy('dot-dot', { edit: setPaths(['../outside/weights.bin']) });
    expect(await loadError(dir)).toMatchObject({
      path: join(dir, 'model.json'),
      reason: `weightsManifest[0].paths[0] ('../outside/weights.bin') leads outside the model's directory ${dir}`,
    });
  });

  it('the path of the study (../../../../../etc/passwd) is refused before it is opened', async () => {
    const dir = copy('passwd', { edit: setPaths(['../../../../../etc/passwd']) });
    expect((await loadError(dir)).reason).toBe(
      `weightsManifest[0].paths[0] ('../../../../../etc/passwd') leads outside the model's directory ${dir}`,
    );
  });

  it('an absolute path is refused', async () => {
    const target = join(outside, 'weights.bin');
    const dir = copy('absolute', { edit: setPaths([target]) });
    expect(await loadError(dir)).toMatchObject({
      reason: `weightsManifest[0].paths[0] ('${target}') is an absolute path, not one relative to the model's directory ${dir}`,
    });
  });

  it('a symbolic link out of the directory is refused', async () => {
    const dir = copy('symlink');
    rmSync(join(dir, 'weights.bin'));
    symlinkSync(join(outside, 'weights.bin'), join(dir, 'weights.bin'));
    expect((await loadError(dir)).reason).toMatch(
      /^weightsManifest\[0\]\.paths\[0\] \('weights\.bin'\) is a link to .*outside.weights\.bin, outside the model's directory /,
    );
  });

  it('a subdirectory and a link inside the directory are fine', async () => {
    const dir = copy('nested', { edit: setPaths(['shards/weights.bin']) });
    mkdirSync(join(dir, 'shards'));
    symlinkSync(join(dir, 'weights.bin'), join(dir, 'shards', 'weights.bin'));
    const { artifacts } = await readModelArtifacts(dir);
    expect((artifacts.weightData as ArrayBuffer).byteLength).toBe(weightBytes);
  });
});

describe('shard sizes', () => {
  it('a short shard names the weight where the data ends and both sizes', async () => {
    const dir = copy('short-shard');
    truncateSync(join(dir, 'weights.bin'), weightBytes - 4);
    expect(await loadError(dir)).toMatchObject({
      path: join(dir, 'weights.bin'),
      format: 'TF.js weight shard',
      reason: `weightsManifest[0]: weight 'dense_3/bias' ([10] float32) needs 40 bytes from byte ${weightBytes - 40}, but the shard weights.bin holds ${weightBytes - 4} bytes (the group's 6 weights need ${weightBytes})`,
    });
  });

  it('a long shard says how many bytes are left over', async () => {
    const dir = copy('long-shard');
    appendFileSync(join(dir, 'weights.bin'), new Uint8Array(8));
    expect(await loadError(dir)).toMatchObject({
      reason: `weightsManifest[0]: the shard weights.bin holds ${weightBytes + 8} bytes, 8 more than the ${weightBytes} bytes its 6 weights need (the last is 'dense_3/bias')`,
    });
  });
});

describe('tfjs errors quoted in a message', () => {
  it('read an unexpected object as words, not [object Object]', async () => {
    const dir = copy('object-units', {
      edit: (json) => {
        const topology = json.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } };
        topology.config.layers[0]!.config.units = {};
      },
    });
    const error = await loadError(dir);
    expect(error.reason).toMatch(/^tfjs could not build the model \(/);
    expect(error.message).not.toContain('[object Object]');
  });
});
