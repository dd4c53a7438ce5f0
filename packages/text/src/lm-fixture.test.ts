import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCharTokenizer } from './char-tokenizer.js';
import { cutWindows, selectWindows } from './cut-windows.js';
import { readCorpusManifest } from './read-corpus-manifest.js';
import { tokenizeCorpus } from './tokenize-corpus.js';

const dir = fileURLToPath(new URL('../../../fixtures/lm/', import.meta.url));

interface FixtureManifest {
  context: number;
  domains: Array<{ name: string; characters: number; windows: number; trainWindows: number; testWindows: number }>;
}

// The PyTorch script that trained the fixture LMs cut the same corpus by the same contract.
describe('the fixture LMs’ corpus (fixtures/lm, made by make-lm-fixtures.py)', () => {
  it('gives the same characters, windows and train/test split per domain as the PyTorch script', async () => {
    const manifest = JSON.parse(await readFile(`${dir}manifest.json`, 'utf8')) as FixtureManifest;
    const tokenizer = await readCharTokenizer(`${dir}vocab.json`);
    const corpus = await tokenizeCorpus(await readCorpusManifest(`${dir}corpus.json`), tokenizer);
    const windows = cutWindows(corpus, { context: manifest.context });
    const test = selectWindows(windows, 'test');
    const train = selectWindows(windows, 'train');
    const countIn = (w: typeof windows, d: number) => w.domainOf.filter((x) => x === d).length;
    expect(
      corpus.domains.map((d, i) => ({
        name: d.name,
        characters: d.tokens.length,
        windows: countIn(windows, i),
        trainWindows: countIn(train, i),
        testWindows: countIn(test, i),
      })),
    ).toEqual(
      manifest.domains.map(({ name, characters, windows, trainWindows, testWindows }) => ({
        name,
        characters,
        windows,
        trainWindows,
        testWindows,
      })),
    );
  });
});
