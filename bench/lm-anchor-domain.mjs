// Anchor (a) of method §9 (issue 17 item 4): on a two-domain character-level language model (English and
// German computer fortunes from Debian's fortune packages), module pruning against selective pruning
// (Pochinkov & Schoots 2024), random units and lowest-magnitude live units, at the same number of units per
// layer: how much each raises the loss on German text (the forget domain) against how much it raises the loss
// on English text (the retain domain), in nats per character, right after pruning and after a short
// English-only fine-tuning with the pruned units held at zero. Per seed, the seed is the training seed and
// the excise seed (the spectral partition, the random units, the fine-tuning batches).
// It composes the library functions `modscope train --arch gpt --text …` and `modscope excise --text …`
// call: `runTrainText` and `runExciseTextStudy` of @modscope/language-models. Models and excise results are
// cached in --dir per seed and reused while their recipe is unchanged.
// Run from the repository root after `npx turbo run build --filter=./apps/cli`:
//   node bench/lm-anchor-domain.mjs [--seeds 0,1,2] [--train-steps 1200] [--budgets 0.1,0.25] [--tune-steps 100] [--out FILE] [--dir DIR]
//   node bench/lm-anchor-domain.mjs --quick      (one seed, 300 training steps, 20 tuning steps; a smoke test)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exciseOnce, log, markdownTable, meanSdText, num, parseList, trainOnce } from './lm-anchor-common.mjs';

const USAGE = `usage: node bench/lm-anchor-domain.mjs [options]
  --seeds LIST         training and excise seeds (default 0,1,2)
  --train-steps N      training steps of each model (default 1200; batch 32 × 64 characters)
  --width N            d_model (default 64; 2 blocks, 4 heads, context 64, 4 × width MLP neurons)
  --lr X               training learning rate (default 0.003, AdamW)
  --tune-steps N       English-only fine-tuning steps after pruning (default 100)
  --k N                clusters of the residual-view weight partition (default 12)
  --budgets LIST       most units module pruning may remove, as shares of the MLP neurons and heads; one
                       excise per share (default 0.1,0.25)
  --out FILE           the tables as markdown (default /tmp/modscope-lm-anchor-domain.md)
  --dir DIR            models and results, per seed (default /tmp/modscope-lm-anchor-domain)
  --quick              a smoke test: seed 0, 300 training steps, budget 0.1, 20 tuning steps (options given still win)
  -h, --help           this text`;

const FORTUNES = '/usr/share/games/fortunes';
// Topic-matched domains (computing, 238 KB English against 221 KB German), so that what separates them is the
// language, not the subject.
const TEXT = [`en=${FORTUNES}/computers`, `de=${['computer', 'ms', 'linuxtag', 'infodrom'].map((f) => `${FORTUNES}/de/${f}`).join(',')}`];
const METHODS = ['module', 'selective', 'random', 'magnitude', 'none'];
const NAMES = {
  module: 'module pruning',
  selective: 'selective pruning',
  random: 'random units',
  magnitude: 'lowest magnitude',
  none: 'no pruning',
};

const quick = process.argv.includes('--quick');
const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: quick ? '0' : '0,1,2' },
    'train-steps': { type: 'string', default: quick ? '300' : '1200' },
    width: { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.003' },
    'tune-steps': { type: 'string', default: quick ? '20' : '100' },
    k: { type: 'string', default: '12' },
    budgets: { type: 'string', default: quick ? '0.1' : '0.1,0.25' },
    out: { type: 'string', default: quick ? '/tmp/modscope-lm-anchor-domain-quick.md' : '/tmp/modscope-lm-anchor-domain.md' },
    dir: { type: 'string', default: '/tmp/modscope-lm-anchor-domain' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const seeds = parseList(args.seeds);
const shares = parseList(args.budgets);
const tuneSteps = Number(args['tune-steps']);

const perSeed = [];
for (const seed of seeds) {
  const label = `seed ${seed}`;
  const dir = join(args.dir, `seed-${seed}-w${args.width}-s${args['train-steps']}-lr${args.lr}`);
  const recipe = {
    text: TEXT,
    blocks: 2,
    width: Number(args.width),
    heads: 4,
    context: 64,
    steps: Number(args['train-steps']),
    learningRate: Number(args.lr),
    seed,
  };
  const { train, seconds: trainSeconds } = await trainOnce(dir, recipe, label);
  const units = train.model.blocks * (train.model.neurons + train.model.heads);
  const excises = [];
  for (const share of shares) {
    const budget = Math.max(1, Math.round(share * units));
    const { result, seconds } = await exciseOnce(
      dir,
      `excise-de-b${budget}-t${tuneSteps}-k${args.k}`,
      {
        text: TEXT,
        forget: 'domain:de',
        k: Number(args.k),
        budget,
        steps: tuneSteps,
        evaluateEvery: Math.max(1, Math.floor(tuneSteps / 4)),
        methods: METHODS,
        relearn: [],
        seed,
        noFloor: true,
      },
      `${label}, budget ${budget}`,
    );
    excises.push({ share, budget, result, seconds });
  }
  perSeed.push({ seed, train, trainSeconds, units, excises });
}

const tuned = `after ${tuneSteps} steps`;
const columns = [
  'Δ forget (de)',
  'Δ retain (en)',
  'Δ forget − Δ retain',
  `Δ forget ${tuned}`,
  `Δ retain ${tuned}`,
  `Δ forget ${tuned}, over no pruning's`,
];
/**
 * The figures of one method of one excise, against its intact model: after pruning, then after fine-tuning, and
 * what is left of the forget increase beyond that of the same fine-tuning without pruning (which moves it too).
 */
function figures(m, result) {
  const { intact } = result;
  const forget = m.forget - intact.forget;
  const retain = m.retain - intact.retain;
  const none = result.methods.find((x) => x.method === 'none');
  return [
    forget,
    retain,
    forget - retain,
    m.stats.finalForget - intact.forget,
    m.stats.finalRetain - intact.retain,
    none ? m.stats.finalForget - none.stats.finalForget : Number.NaN,
  ];
}

const first = perSeed[0];
const sections = [
  `### Two-domain LM: module pruning against selective pruning (seed${seeds.length === 1 ? '' : 's'} ${seeds.join(', ')})`,
  '',
  `Character-level GPT, ${first.train.model.blocks} blocks × width ${first.train.model.width}, ${first.train.model.heads} heads, context ${first.train.model.context}, ` +
    `${first.train.model.neurons} MLP neurons per block (${first.train.model.parameters} parameters), ${args['train-steps']} steps of AdamW (batch ${first.train.options.batchSize}, lr ${first.train.options.learningRate}) ` +
    'on English (`computers`, 238 KB) and German (`de/computer, ms, linuxtag, infodrom`, 221 KB) fortunes. Forget: domain `de`; retain: `en`. ' +
    "Δ: loss on held-out text after pruning minus the intact model's (nats per character; 128 windows of each domain). Module pruning adds the " +
    `residual-view weight modules (k = ${args.k}) of positive score (Δ forget − Δ retain) within the budget; every other method prunes as many units per layer. ` +
    `Then ${tuneSteps} steps of English-only fine-tuning (batch 16, lr 0.001) with the pruned units held at zero; "no pruning" is that fine-tuning alone.`,
  '',
  'Models (intact test loss per domain, nats per character) and the modules module pruning chose (layer#cluster (units)):',
  '',
  markdownTable(
    ['seed', 'test loss en', 'test loss de', ...shares.map((s) => `chosen, budget ${s}`), 'train s', 'excise s'],
    perSeed.map((r) => [
      String(r.seed),
      num(r.train.testDomains.find((d) => d.name === 'en')?.loss),
      num(r.train.testDomains.find((d) => d.name === 'de')?.loss),
      ...r.excises.map((e) => e.result.chosen.map((c) => `${c.layer.replace('.mlp.act', '.mlp')}#${c.cluster} (${c.size})`).join(', ')),
      r.trainSeconds === null ? '—' : String(Math.round(r.trainSeconds)),
      r.excises.map((e) => Math.round(e.seconds)).join(' + '),
    ]),
  ),
  '',
];
shares.forEach((share, b) => {
  const budgets = [...new Set(perSeed.map((r) => r.excises[b].budget))].join(', ');
  sections.push(
    `Budget ${share} of the ${first.units} MLP neurons and heads (${budgets} units), per seed:`,
    '',
    markdownTable(
      ['seed', 'method', 'units', ...columns],
      perSeed.flatMap((r) =>
        r.excises[b].result.methods.map((m) => [
          String(r.seed),
          NAMES[m.method],
          String(m.units),
          ...figures(m, r.excises[b].result).map((v) => num(v)),
        ]),
      ),
    ),
    '',
    `Budget ${share}, mean ± sd over ${seeds.length} seed${seeds.length === 1 ? '' : 's'}:`,
    '',
    markdownTable(
      ['method', 'units', ...columns],
      METHODS.map((method) => {
        const rows = perSeed.map((r) => {
          const m = r.excises[b].result.methods.find((x) => x.method === method);
          return { units: m.units, values: figures(m, r.excises[b].result) };
        });
        return [
          NAMES[method],
          meanSdText(
            rows.map((x) => x.units),
            0,
          ),
          ...columns.map((_, c) => meanSdText(rows.map((x) => x.values[c]))),
        ];
      }),
    ),
    '',
  );
});
const markdown = sections.join('\n');
writeFileSync(args.out, markdown);
process.stdout.write(`${markdown}\n`);
log(`tables written to ${args.out}`);
