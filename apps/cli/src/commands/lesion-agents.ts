import { join } from 'node:path';
import { runLesionAgents, type LesionAgentsRun } from '@modscope/agents';
import { progress, table, percent, type Progress } from '../output.js';
import { checkResultOutputs } from '../output-paths.js';
import { writeResultOutputs } from '../report-option.js';
import { agentsAndEnvironment, refuseFlags } from './agents-input.js';
import type { LesionOptions } from './lesion.js';

export interface LesionAgentsCommandOptions extends LesionOptions {
  env: string;
  regrowth?: number;
  beamCost?: number;
}

/** Options of classifiers and language models that agents do not take, by key. */
const NOT_FOR_AGENTS = {
  data: '--data',
  text: '--text',
  tokenizer: '--tokenizer',
  split: '--split',
  stride: '--stride',
  limit: '--limit',
  ablation: '--ablation',
  partition: '--partition',
  prune: '--prune',
  partitioner: '--partitioner',
  measure: '--measure',
  top: '--top',
  mean: '--mean',
  std: '--std',
  batchSize: '--batch-size',
  featureViz: '--feature-viz',
  featureSteps: '--feature-steps',
} as const;

const fixed = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));
const mean = (xs: readonly number[] | undefined) => (xs?.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);

function formatLesionAgents(run: LesionAgentsRun): string {
  const names = run.behaviours.all.map((b) => b.name);
  const lines = [
    `behaviours: ${run.behaviours.all.map((b) => `${b.name} = ${b.description}`).join('; ')}`,
    `intact: ${run.intact.states.map((s, a) => `agent ${a} ${names.map((n) => `${n} ${s[n] !== undefined ? percent(s[n]!) : fixed(run.intact.events[a]![n], 2)}`).join(', ')}`).join('; ')}`,
    `each module against ${run.random} random same-size lesions of its layer: drop (mean random drop), one-sided p`,
    '',
  ];
  for (const agent of run.agents) {
    lines.push(
      `agent ${agent.agent} (${agent.partition.source}, k ${agent.partition.k}, ${agent.states.toLocaleString('en-US')} recorded states):`,
    );
    lines.push(
      table(
        ['module', 'units', ...names.map((n) => `Δ${n}`), 'score'],
        agent.modules.map((m) => [
          `${m.layer}/${m.cluster}`,
          m.size,
          ...names.map((n) => `${fixed(m.behaviours[n])} (${fixed(mean(m.random[n]))}) p ${fixed(m.p[n], 2)}`),
          fixed(m.score),
        ]),
      ),
      '',
    );
  }
  return lines.join('\n').trimEnd();
}

/** `modscope lesion DIR --env NAME`: the lesion table of agents' policies by behaviour (`runLesionAgents` of `@modscope/agents`). */
export async function lesionAgentsCommand(dir: string, options: LesionAgentsCommandOptions, explicit: ReadonlySet<string>): Promise<void> {
  refuseFlags(explicit, NOT_FOR_AGENTS, 'lesion --env (agents)', 'agents take --k, --random, --regrowth and --seed.');
  await checkResultOutputs(options, [
    { what: 'the agents', path: dir },
    { what: 'the training record', path: join(dir, 'train.json') },
  ]);
  const { trained, environment } = await agentsAndEnvironment(dir, options.env, options);
  const quiet = options.json === '-';
  const bars: Progress[] = [];
  let run: LesionAgentsRun;
  try {
    run = await runLesionAgents({
      agents: trained.agents,
      environment,
      model: dir,
      seed: options.seed ?? 0,
      ...(options.k !== undefined ? { k: options.k } : {}),
      ...(options.random !== undefined ? { random: options.random } : {}),
      onModule: (agent, done, total) => {
        bars[agent] ??= progress(`agent ${agent}`, { quiet });
        bars[agent].update(done, total);
        if (done === total) bars[agent].stop();
      },
    });
  } finally {
    for (const bar of bars) bar.stop();
  }
  await writeResultOutputs(run, options, () => formatLesionAgents(run));
}
