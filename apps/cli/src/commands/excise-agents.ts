import { join } from 'node:path';
import { runExciseAgents, type ExciseAgentsRun, type AgentExciseMethod } from '@modscope/agents';
import { environmentFor } from '../environments.js';
import { parseMethods, parseRelearn } from '../excise-options.js';
import { progress, table, percent, type Progress } from '../output.js';
import { checkResultOutputs } from '../output-paths.js';
import { writeResultOutputs } from '../report-option.js';
import type { ExciseCommandOptions } from './excise-command-options.js';
import { agentsAndEnvironment, behaviourOf, refuseFlags } from './agents-input.js';

export interface ExciseAgentsCommandOptions extends ExciseCommandOptions {
  env: string;
  regrowth?: number;
  beamCost?: number;
  trustedRegrowth?: number;
  trustedBeamCost?: number;
  updates?: number;
  relearnUpdates?: string;
  random?: number;
}

/** Abundance: the default trusted environment's apple regrowth. */
const TRUSTED_REGROWTH = 0.3;

/** Options of classifiers and language models that agents do not take, by key. */
const NOT_FOR_AGENTS = {
  data: '--data',
  text: '--text',
  tokenizer: '--tokenizer',
  trigger: '--trigger',
  target: '--target',
  forgetTarget: '--forget-target',
  finetuneSteps: '--finetune-steps',
  mask: '--mask',
  partition: '--partition',
  partitioner: '--partitioner',
  neverTrainedEpochs: '--never-trained-epochs',
  relearn: '--relearn',
  relearnSteps: '--relearn-steps',
  relearnMix: '--relearn-mix',
  relearnFrom: '--relearn-from',
  batchSize: '--batch-size',
  learningRate: '--learning-rate',
  limit: '--limit',
  trainLimit: '--train-limit',
} as const;

const fixed = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));
const share = (x: number | null | undefined) => (x === null || x === undefined ? '—' : percent(x));

function formatExciseAgents(run: ExciseAgentsRun): string {
  const forget = run.behaviours.forget;
  const lines: string[] = [];
  const settings = (s: Record<string, unknown>) =>
    Object.entries(s)
      .filter(([, v]) => typeof v !== 'string' || v.length <= 20)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  lines.push(`behaviour removed: ${forget.name} — ${forget.description}; task competence: ${run.behaviours.retain.description}`);
  lines.push(
    `measured in ${run.environment.name} (${settings(run.environment.settings)}); fine-tuned in ${run.trusted.name} (${settings(run.trusted.settings)})`,
  );
  lines.push(
    `intact: ${forget.name} ${share(run.intact.forget)}, beam rate ${share(run.intact.rate)}, ${run.behaviours.retain.name} ${fixed(run.intact.retain)}/episode`,
  );
  if (run.floor)
    lines.push(
      `never-trained floor: ${forget.name} ${share(run.floor.figures.forget)}, beam rate ${share(run.floor.figures.rate)}, ${run.behaviours.retain.name} ${fixed(run.floor.figures.retain)}/episode — ${run.floor.note}`,
    );
  lines.push('');
  for (const agent of run.agents) {
    const best = [...agent.modules].sort((a, b) => b.score - a.score).slice(0, 5);
    lines.push(
      `agent ${agent.agent}: ${agent.modules.length} modules (${agent.partition.source}, k ${agent.partition.k}) scored on ${agent.states.toLocaleString('en-US')} recorded states; best by score:`,
    );
    lines.push(
      table(
        [
          'module',
          'units',
          `Δ${forget.name}`,
          'Δagreement',
          'score',
          ...run.behaviours.all.filter((b) => b.name !== forget.name).map((b) => `Δ${b.name}`),
          'pruned',
        ],
        best.map((m) => [
          `${m.layer}/${m.cluster}`,
          m.size,
          fixed(m.forgetDrop, 3),
          fixed(m.retainDrop, 3),
          fixed(m.score, 3),
          ...run.behaviours.all.filter((b) => b.name !== forget.name).map((b) => fixed(m.behaviours[b.name], 3)),
          m.chosen ? 'yes' : '',
        ]),
      ),
    );
    lines.push('');
  }
  if (run.finding) lines.push(`finding: ${run.finding}`, '');
  lines.push(`fine-tuning: ${run.updates} PPO updates in the trusted environment, pruned units held at zero`);
  lines.push(
    table(
      [
        'method',
        'units',
        `${forget.name} pruned`,
        `${forget.name} tuned`,
        'beam tuned',
        `${run.behaviours.retain.name} tuned`,
        'updates to half',
      ],
      run.methods.map((m) => [
        m.name,
        m.units,
        share(m.pruned.forget),
        share(m.stats.finalForget),
        share(m.curve.at(-1)!.rate),
        fixed(m.stats.finalRetain),
        m.stats.stepsToHalf === null ? '—' : m.stats.stepsToHalf,
      ]),
    ),
  );
  if (run.relearning.length > 0) {
    lines.push('', `relearning attack: PPO updates where the behaviour was learned`);
    lines.push(
      table(
        ['from', 'updates', `${forget.name} before`, `${forget.name} after`, `${run.behaviours.retain.name} after`, 'degenerate'],
        run.relearning.map((r) => [
          r.model,
          r.updates,
          share(r.curve[0]!.forget),
          share(r.curve.at(-1)!.forget),
          fixed(r.curve.at(-1)!.retain),
          r.degenerate ? 'yes' : '',
        ]),
      ),
    );
  }
  return lines.join('\n');
}

/**
 * `modscope excise DIR --env NAME --forget behaviour:NAME`: module pruning of a behaviour of agents (`runExciseAgents`
 * of `@modscope/agents`): the lesion table, pruning, PPO fine-tuning in the trusted environment, baselines, the
 * never-trained floor and the relearning attack.
 */
export async function exciseAgentsCommand(dir: string, options: ExciseAgentsCommandOptions, explicit: ReadonlySet<string>): Promise<void> {
  refuseFlags(
    explicit,
    NOT_FOR_AGENTS,
    'excise --env (agents)',
    'agents take --updates, --relearn-updates, --trusted-regrowth and --trusted-beam-cost.',
  );
  const forget = behaviourOf(options.forget);
  const methods = parseMethods(options.methods) as AgentExciseMethod[];
  const relearn = parseRelearn(options.relearnUpdates ?? '5,20');
  const trusted = environmentFor(
    options.env,
    {
      regrowth: options.trustedRegrowth ?? TRUSTED_REGROWTH,
      ...(options.trustedBeamCost !== undefined ? { beamCost: options.trustedBeamCost } : {}),
    },
    '--trusted-regrowth',
  );
  await checkResultOutputs(options, [
    { what: 'the agents', path: dir },
    { what: 'the training record', path: join(dir, 'train.json') },
  ]);
  const { trained, environment } = await agentsAndEnvironment(dir, options.env, options);
  const quiet = options.json === '-';
  let bar: Progress | null = null;
  let run: ExciseAgentsRun;
  try {
    run = await runExciseAgents({
      agents: trained.agents,
      environment,
      trusted,
      forget,
      model: dir,
      k: options.k,
      methods,
      relearn,
      seed: options.seed,
      floor: options.neverTrained ? trained.floor : null,
      ...(options.budget !== undefined ? { budget: options.budget } : {}),
      ...(options.updates !== undefined ? { updates: options.updates } : {}),
      ...(explicit.has('evaluateEvery') ? { evaluateEvery: options.evaluateEvery } : {}),
      ...(options.random !== undefined ? { random: options.random } : {}),
      onStage: (stage) => {
        bar?.stop();
        bar = progress(stage.replace(/^fine-tuning: /, 'tune ').replace(/^relearning attack: /, 'relearn '), { quiet });
      },
    });
  } finally {
    (bar as Progress | null)?.stop();
  }
  await writeResultOutputs(run, options, () => formatExciseAgents(run));
}
