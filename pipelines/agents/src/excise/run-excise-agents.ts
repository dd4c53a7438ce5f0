import { InvalidArgumentError, type Environment, type Network, type UnitPartition, type UnitSelection } from '@modscope/core';
import {
  countsPerLayer,
  lowestMagnitudeUnits,
  mergeSelection,
  randomUnits,
  recoveryStats,
  topUnits,
  weightDistance,
} from '@modscope/intervention-prune';
import { AGENT_EXCISE_RESULT_KIND, AGENT_EXCISE_RESULT_VERSION } from '@modscope/results/format';
import { rolloutAgents, trainAgents, type AgentNetworks } from '@modscope/rl';
import type { LayerMask } from '@modscope/train';
import { measureTeam, type MeasureSettings, type TeamFigures } from '../agent-figures.js';
import { behaviourNamed, behavioursOf, type ActionBehaviour, type EventBehaviour, type NamedBehaviour } from '../behaviours.js';
import { recordAgentStates, selectionLayerMasks, stateEffects, type AgentStates } from '../recorded-states.js';
import {
  intactBehaviours,
  lesionModules,
  moduleRecord,
  policyModules,
  selectiveScores,
  weightPartitions,
  type BehaviourSet,
  type IntactBehaviours,
  type ModuleLesion,
} from './policy-modules.js';

export type AgentExciseMethod = 'module' | 'random' | 'magnitude' | 'selective' | 'none';

export const AGENT_EXCISE_METHODS: readonly AgentExciseMethod[] = ['module', 'random', 'magnitude', 'selective', 'none'];

export const AGENT_METHOD_NAMES: Readonly<Record<AgentExciseMethod, string>> = Object.freeze({
  module: 'module pruning',
  random: 'random units',
  magnitude: 'lowest magnitude (live units)',
  selective: 'selective pruning (Pochinkov & Schoots)',
  none: 'no pruning (fine-tune only)',
});

/** The defaults of `runExciseAgents`. */
export const AGENT_EXCISE_DEFAULTS = Object.freeze({
  k: 8,
  /** Most units module pruning may remove per agent: this share of its policy's hidden units. */
  budgetShare: 0.25,
  /** PPO updates of fine-tuning in the trusted environment. */
  updates: 50,
  evaluateEvery: 10,
  /** Fine-tuning's PPO: games × steps per update, learning rate (constant). */
  games: 32,
  rolloutLength: 128,
  learningRate: 1e-4,
  /** Rollouts that measure the team: games × episodes. */
  measureGames: 32,
  measureEpisodes: 2,
  /** Rollouts whose states score the modules: games × episodes. */
  recordGames: 32,
  recordEpisodes: 4,
  /** Random same-size lesions per module in the lesion table. */
  random: 5,
  /** Relearning attack: PPO updates in the behaviour's own environment. */
  relearn: [5, 20] as readonly number[],
  /** A run whose retain figure fell by more than this share of where it started is degenerate. */
  degenerateDrop: 0.1,
  /** Steps between frames of the episode strips. */
  frameEvery: 5,
  seed: 0,
});

/** How the agents were trained (their train.json), for the never-trained floor to repeat in the trusted environment. */
export interface AgentFloorRecipe {
  updates: number;
  hidden: readonly number[];
  games: number;
  rolloutLength: number;
  learningRate: number;
}

export interface ExciseAgentsOptions {
  /** The trained agents (policy and value per agent), as `trainAgents` or `modscope train --env` made them. */
  agents: readonly AgentNetworks[];
  /** Where the behaviour was learned and is measured (e.g. gathering under scarcity). */
  environment: Environment;
  /** The trusted environment fine-tuning runs in (e.g. abundance, or a beam that costs reward). */
  trusted: Environment;
  /** Name of the behaviour to remove: an `action` behaviour of the environment (gathering: `fire`). */
  forget: string;
  /** Name of the task-competence behaviour: an `event` behaviour (default the environment's first; gathering: `collect`). */
  retain?: string;
  /** Per agent, a partition of its policy's units (default: the spectral partition of its weight graph with `k` clusters). */
  partitions?: readonly (UnitPartition & { source: string })[];
  k?: number;
  /** Most units module pruning may remove per agent (default a quarter of the policy's hidden units). */
  budget?: number;
  updates?: number;
  evaluateEvery?: number;
  games?: number;
  rolloutLength?: number;
  learningRate?: number;
  methods?: readonly AgentExciseMethod[];
  /** How the agents were trained, for the never-trained floor (agents trained only in `trusted`); null skips it. */
  floor?: AgentFloorRecipe | null;
  relearn?: readonly number[];
  random?: number;
  measure?: { games?: number; episodes?: number };
  record?: { games?: number; episodes?: number };
  frameEvery?: number;
  seed?: number;
  /** (string, default `'agents'`) — what the result calls the agents: the directory they were read from. */
  model?: string;
  onStage?: (stage: string) => void;
}

const pkg = '@modscope/agents';
const seconds = (since: number) => Math.round(performance.now() - since) / 1000;

/** The behaviours of an excision, resolved against the environment. */
export function exciseBehaviours(environment: Environment, forget: string, retain?: string): BehaviourSet {
  const all = behavioursOf(environment);
  const events = all.filter((b): b is NamedBehaviour<EventBehaviour> => b.behaviour.kind === 'event');
  const retainName = retain ?? events[0]?.name;
  if (retainName === undefined)
    throw new InvalidArgumentError({
      argument: 'retain',
      message: `${pkg}: environment '${environment.name}' names no event behaviour to measure task competence by.`,
      hint: 'Give the environment an event behaviour (e.g. apples collected per episode).',
    });
  return {
    forget: behaviourNamed(environment, forget, 'action', 'forget'),
    retain: behaviourNamed(environment, retainName, 'event', 'retain'),
    actions: all.filter((b): b is NamedBehaviour<ActionBehaviour> => b.behaviour.kind === 'action'),
    events,
  };
}

/** One curve point: the team measured in the behaviour's environment after `update` PPO updates. */
export interface AgentCurvePoint {
  update: number;
  /** P(forget actions | flag), mean over agents. */
  forget: number;
  /** Share of steps on the forget actions. */
  rate: number;
  /** The retain behaviour per episode (apples). */
  retain: number;
  return: number;
}

const point = (update: number, f: TeamFigures): AgentCurvePoint => ({
  update,
  forget: f.forget,
  rate: f.rate,
  retain: f.retain,
  return: f.return,
});

function encodeFrames(frames: NonNullable<Awaited<ReturnType<typeof rolloutAgents>>['frames']>) {
  return frames.map(({ step, frame }) => ({ step, text: frame.text, rgb: Buffer.from(frame.rgb).toString('base64') }));
}

/**
 * Module pruning of a behaviour of agents (method §10 with §6), returned as the `modscope/agent-excise` result
 * (`resultJsonText` of `@modscope/results` writes it; non-finite figures become null): records the states the intact agents act in,
 * scores every module of every agent's policy by Δ P(behaviour | its flag) − Δ agreement with the intact greedy
 * action on the other states, lesions them by behaviour against random same-size lesions, prunes each agent's
 * best modules until its P(behaviour | flag) on the recorded states is at the never-trained floor's (or the
 * budget is spent), fine-tunes with PPO in the trusted environment with the pruned units held at zero —
 * measuring the behaviour and task competence by rollouts in the behaviour's own environment along the way —,
 * runs the same for the §6.5 baselines at the same units per layer, and the relearning attack (PPO in the
 * behaviour's own environment) from every method and from the floor.
 */
export async function runExciseAgents(options: ExciseAgentsOptions) {
  const d = AGENT_EXCISE_DEFAULTS;
  const { environment, trusted } = options;
  const seed = options.seed ?? d.seed;
  const N = environment.agentCount;
  if (options.agents.length !== N)
    throw new InvalidArgumentError({
      argument: 'agents',
      message: `${pkg}: ${options.agents.length} agents given, but environment '${environment.name}' has ${N}.`,
      hint: 'Give one trained agent (policy and value) per agent of the environment.',
    });
  if (
    trusted.agentCount !== N ||
    trusted.observationSize !== environment.observationSize ||
    trusted.actions.length !== environment.actions.length
  )
    throw new InvalidArgumentError({
      argument: 'trusted',
      message: `${pkg}: the trusted environment '${trusted.name}' does not have the agents, observations and actions of '${environment.name}'.`,
      hint: 'Use the same environment with other settings (e.g. more apples, or a beam that costs reward).',
    });
  const behaviours = exciseBehaviours(environment, options.forget, options.retain);
  const forget = behaviours.forget.behaviour;
  const measure: MeasureSettings = {
    games: options.measure?.games ?? d.measureGames,
    episodes: options.measure?.episodes ?? d.measureEpisodes,
    seed: seed + 101,
  };
  const recordSettings: MeasureSettings = {
    games: options.record?.games ?? d.recordGames,
    episodes: options.record?.episodes ?? d.recordEpisodes,
    seed: seed + 202,
  };
  const updates = options.updates ?? d.updates;
  const evaluateEvery = Math.max(1, options.evaluateEvery ?? d.evaluateEvery);
  const methods = options.methods ?? AGENT_EXCISE_METHODS;
  const relearn = options.relearn ?? d.relearn;
  const ppo = {
    games: options.games ?? d.games,
    rolloutLength: options.rolloutLength ?? d.rolloutLength,
    learningRate: options.learningRate ?? d.learningRate,
    anneal: false,
  };
  const figuresOf = (policies: readonly Network[], masks?: readonly (LayerMask[] | undefined)[]) =>
    measureTeam(environment, policies, { forget, retain: behaviours.retain.behaviour }, measure, masks);
  const timings: Record<string, number> = {};
  const stage = (name: string) => options.onStage?.(name);
  const policies = options.agents.map((a) => a.policy);

  let started = performance.now();
  stage('recording states');
  const states: AgentStates[] = await recordAgentStates(environment, policies, recordSettings);
  const intact: IntactBehaviours = await intactBehaviours(environment, policies, states, behaviours, measure);
  timings.recording = seconds(started);

  let floor: { agents: AgentNetworks[]; figures: TeamFigures; updates: number; comparable: boolean; note: string } | null = null;
  if (options.floor !== null) {
    started = performance.now();
    stage('never-trained agents');
    const recipe = options.floor ?? { updates: 300, hidden: [64, 64], games: 32, rolloutLength: 128, learningRate: 2.5e-4 };
    const trained = await trainAgents(trusted, { ...recipe, hidden: [...recipe.hidden], seed: seed + 17 });
    const figures = await figuresOf(trained.agents.map((a) => a.policy));
    const comparable = figures.retain >= 0.9 * intact.team.retain;
    floor = {
      agents: trained.agents,
      figures,
      updates: recipe.updates,
      comparable,
      note: comparable
        ? `trained ${recipe.updates} updates in the trusted environment only; ${behaviours.retain.name} within 10% of the intact agents' or above`
        : `trained ${recipe.updates} updates in the trusted environment only, but its ${behaviours.retain.name} (${figures.retain.toFixed(2)}) is more than 10% below the intact agents' (${intact.team.retain.toFixed(2)}) in the behaviour's environment: no floor to compare with`,
    };
    timings.neverTrained = seconds(started);
  }

  started = performance.now();
  stage('lesioning modules');
  const partitions = options.partitions ?? (await weightPartitions(policies, options.k ?? d.k, seed));
  if (partitions.length !== N)
    throw new InvalidArgumentError({
      argument: 'partitions',
      message: `${pkg}: ${partitions.length} partitions given for ${N} agents.`,
      hint: 'Give one per agent.',
    });
  const lesions: ModuleLesion[][] = [];
  for (let a = 0; a < N; a++) {
    lesions.push(
      await lesionModules(environment, policies, a, policyModules(policies[a]!, partitions[a]!), states[a]!, behaviours, intact, {
        random: options.random ?? d.random,
        seed,
        measure,
      }),
    );
  }
  timings.lesions = seconds(started);

  started = performance.now();
  stage('choosing modules');
  const target = floor ? floor.figures.forget : 0;
  const hiddenUnits = policies.map((p) =>
    p.layers
      .filter((l) => l.kind === 'dense')
      .slice(0, -1)
      .reduce((s, l) => s + (l.kind === 'dense' ? l.units : 0), 0),
  );
  const budgets = hiddenUnits.map((h) => options.budget ?? Math.max(1, Math.round(h * d.budgetShare)));
  const choices: { chosen: ModuleLesion[]; selection: UnitSelection[]; forget: number }[] = [];
  for (let a = 0; a < N; a++) {
    const ordered = lesions[a]!.filter((m) => m.score > 0 && m.forgetDrop > 0).sort((x, y) => y.score - x.score);
    const chosen: ModuleLesion[] = [];
    let units = 0;
    let reached = Number.NaN;
    for (const m of ordered) {
      if (units + m.units.length > budgets[a]!) continue;
      chosen.push(m);
      units += m.units.length;
      const effect = await stateEffects(environment, policies[a]!, states[a]!, mergeSelection(chosen), behaviours);
      reached = effect.behaviours[behaviours.forget.name]!;
      if (reached <= target) break;
    }
    choices.push({ chosen, selection: mergeSelection(chosen), forget: reached });
  }
  // a finding, not an error: when no module carries the behaviour there is nothing to prune, and the baselines
  // (same units per layer as module pruning) are empty too; the fine-tuning without pruning, the floor and the
  // relearning attack still run, and the lesion table shows why
  const finding = choices.every((c) => c.chosen.length === 0)
    ? `no module of any agent lowers ${forget.description} more than it changes the agent's other choices (forget drop − retain drop ≤ 0 for every module, within a budget of ${budgets.join('/')} units): module pruning removes nothing, and the baselines, which prune as many units, are left out.`
    : null;
  const runMethods = finding ? methods.filter((m) => m === 'none') : methods;
  const selections = new Map<AgentExciseMethod, UnitSelection[][]>();
  selections.set(
    'module',
    choices.map((c) => c.selection),
  );
  selections.set(
    'random',
    choices.map((c, a) => randomUnits(policies[a]!, countsPerLayer(c.selection), seed + 31 + a)),
  );
  selections.set(
    'magnitude',
    choices.map((c, a) => lowestMagnitudeUnits(policies[a]!, countsPerLayer(c.selection))),
  );
  if (methods.includes('selective')) {
    const scores = await Promise.all(policies.map((p, a) => selectiveScores(p, states[a]!, forget)));
    selections.set(
      'selective',
      choices.map((c, a) => topUnits(scores[a]!, countsPerLayer(c.selection))),
    );
  }
  selections.set(
    'none',
    choices.map(() => []),
  );
  timings.choosing = seconds(started);

  const results = [];
  const tuned = new Map<AgentExciseMethod, AgentNetworks[]>();
  for (const method of runMethods) {
    started = performance.now();
    stage(`fine-tuning: ${method}`);
    const selection = selections.get(method)!;
    const masks = selection.map((s, a) => selectionLayerMasks(policies[a]!, s));
    const snapshots: { update: number; agents: AgentNetworks[] }[] = [];
    const run = await trainAgents(trusted, {
      ...ppo,
      seed: seed + 3,
      updates,
      initial: options.agents,
      masks,
      onProgress: ({ update, networks }) => {
        if (update % evaluateEvery === 0 || update === updates) snapshots.push({ update, agents: networks() });
      },
    });
    const curve: AgentCurvePoint[] = [point(0, await figuresOf(policies, masks))];
    for (const s of snapshots) curve.push(point(s.update, await figuresOf(s.agents.map((x) => x.policy))));
    tuned.set(method, run.agents);
    results.push({
      method,
      name: AGENT_METHOD_NAMES[method],
      baseline: method !== 'module',
      units: selection.reduce((n, s) => n + s.reduce((m, x) => m + x.units.length, 0), 0),
      selection: selection.map((s) => s.map((x) => ({ layer: x.layer, units: Array.from(x.units) }))),
      pruned: curve[0]!,
      curve,
      stats: recoveryStats(
        curve.map((p) => ({ step: p.update, forget: p.forget, retain: p.retain })),
        intact.team.forget,
      ),
      weightDistance: Math.hypot(...run.agents.map((x, a) => weightDistance(policies[a]!, x.policy))),
    });
    timings[`fine-tuning: ${method}`] = seconds(started);
  }

  const relearning = [];
  const starts: [AgentExciseMethod | 'never-trained', AgentNetworks[]][] = [...tuned];
  if (floor) starts.push(['never-trained', floor.agents]);
  for (const attackUpdates of relearn) {
    for (const [model, start] of starts) {
      started = performance.now();
      stage(`relearning attack: ${model}, ${attackUpdates} updates`);
      const snapshots: { update: number; agents: AgentNetworks[] }[] = [];
      const every = Math.max(1, Math.floor(attackUpdates / 4));
      await trainAgents(environment, {
        ...ppo,
        seed: seed + 5,
        updates: attackUpdates,
        initial: start,
        onProgress: ({ update, networks }) => {
          if (update % every === 0 || update === attackUpdates) snapshots.push({ update, agents: networks() });
        },
      });
      const curve: AgentCurvePoint[] = [point(0, await figuresOf(start.map((x) => x.policy)))];
      for (const s of snapshots) curve.push(point(s.update, await figuresOf(s.agents.map((x) => x.policy))));
      const retainDrop = curve[0]!.retain - curve.at(-1)!.retain;
      relearning.push({
        model,
        updates: attackUpdates,
        curve,
        stats: recoveryStats(
          curve.map((p) => ({ step: p.update, forget: p.forget, retain: p.retain })),
          intact.team.forget,
        ),
        retainDrop,
        degenerate: retainDrop > d.degenerateDrop * curve[0]!.retain,
      });
      timings[`relearning: ${model}, ${attackUpdates}`] = seconds(started);
    }
  }

  started = performance.now();
  stage('frames');
  const frameEvery = options.frameEvery ?? d.frameEvery;
  const moduleMasks = selections.get('module')!.map((s, a) => selectionLayerMasks(policies[a]!, s));
  const episode = async (label: string, nets: readonly Network[], masks?: (LayerMask[] | undefined)[]) => {
    const r = await rolloutAgents(environment, nets, {
      games: 1,
      seed: seed + 303,
      frames: { every: frameEvery },
      ...(masks ? { masks } : {}),
    });
    const first = r.frames![0]!.frame;
    return {
      label,
      figures: r.agents.map((s) => ({ return: s.meanReturn, events: s.events })),
      width: first.width,
      height: first.height,
      legend: first.legend,
      frames: encodeFrames(r.frames!),
    };
  };
  const episodes = [await episode('intact', policies)];
  if (!finding) episodes.push(await episode('module pruning', policies, moduleMasks));
  if (tuned.has('module'))
    episodes.push(
      await episode(
        'module pruning, fine-tuned',
        tuned.get('module')!.map((x) => x.policy),
      ),
    );
  timings.frames = seconds(started);

  return {
    kind: AGENT_EXCISE_RESULT_KIND,
    version: AGENT_EXCISE_RESULT_VERSION,
    model: options.model ?? 'agents',
    environment: { name: environment.name, settings: { ...environment.settings } },
    trusted: { name: trusted.name, settings: { ...trusted.settings } },
    behaviours: {
      forget: { name: behaviours.forget.name, ...forget },
      retain: { name: behaviours.retain.name, ...behaviours.retain.behaviour },
      all: [...behaviours.actions, ...behaviours.events].map((b) => ({
        name: b.name,
        kind: b.behaviour.kind,
        description: b.behaviour.description,
      })),
    },
    seed,
    updates,
    evaluateEvery,
    ppo,
    measure,
    record: recordSettings,
    budgets,
    target,
    finding,
    intact: { ...intact.team, states: intact.states, events: intact.events },
    agents: lesions.map((modules, a) => ({
      agent: a,
      partition: { source: partitions[a]!.source, k: partitions[a]!.k },
      states: states[a]!.count,
      modules: modules.map((m) => ({ ...moduleRecord(m), chosen: choices[a]!.chosen.includes(m) })),
      reached: choices[a]!.forget,
    })),
    methods: results,
    floor: floor ? { figures: floor.figures, updates: floor.updates, comparable: floor.comparable, note: floor.note } : null,
    relearning,
    episodes,
    timings,
  };
}

/** What `runExciseAgents` returns. */
export type ExciseAgentsRun = Awaited<ReturnType<typeof runExciseAgents>>;
