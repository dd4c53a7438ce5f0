import * as tf from '@tensorflow/tfjs';
import { createRandom, type DenseLayer, type Environment, type Random } from '@modscope/core';
import { selectBackend } from '@modscope/tfjs-runtime';
import { createAdam, type Adam } from './adam.js';
import { checkAgentNetwork, createAgentNetworks, type AgentNetworks } from './agent-networks.js';
import { agentRows, chooseActions, logSoftmaxRows } from './agent-rows.js';
import { createStatisticsTally } from './agent-statistics.js';
import { advantages } from './advantages.js';
import { resolveHeldMasks, type HeldMask } from './held-masks.js';
import { createMlp, disposeCache, transposeInto, type Mlp } from './mlp.js';
import { ppoLoss } from './ppo-loss.js';
import {
  ppoSettings,
  type AgentUpdate,
  type PpoLosses,
  type PpoSettings,
  type TrainAgentsOptions,
  type TrainAgentsResult,
} from './train-agents-options.js';

/** Independent random streams, so that changing one use of randomness leaves the others' draws alone. */
const STREAM = { init: 1, environment: 2, actions: 3, shuffle: 4 } as const;

/** One agent's rollout storage, step-major (`t · games + g`). */
interface Rollout {
  observations: Float32Array;
  actions: Int32Array;
  logProbabilities: Float32Array;
  values: Float32Array;
  rewards: Float32Array;
  /** V of the state after the rollout's last step, per game. */
  next: Float32Array;
}

/** An agent in training: its two networks and one Adam over both (CleanRL's single optimizer). */
interface Learner {
  policy: Mlp;
  value: Mlp;
  optimizer: Adam;
}

interface StartingAgent {
  networks: AgentNetworks;
  policyLayers: DenseLayer[];
  valueLayers: DenseLayer[];
  held: HeldMask[];
}

/** The starting networks of every agent: the caller's (checked) or fresh ones, and their held masks. */
function startingAgents(environment: Environment, options: TrainAgentsOptions, settings: PpoSettings, random: Random): StartingAgent[] {
  return Array.from({ length: environment.agentCount }, (_, agent) => {
    const given = options.initial?.[agent];
    const fresh = !given?.policy || !given.value ? createAgentNetworks(environment, agent, settings.hidden, random.fork(agent)) : null;
    const networks: AgentNetworks = { policy: given?.policy ?? fresh!.policy, value: given?.value ?? fresh!.value };
    const policyLayers = checkAgentNetwork(networks.policy, environment, agent, 'policy');
    const valueLayers = checkAgentNetwork(networks.value, environment, agent, 'value');
    const held = resolveHeldMasks(networks.policy, policyLayers, options.masks?.[agent] ?? [], `agent ${agent}'s policy`);
    return { networks, policyLayers, valueLayers, held };
  });
}

/**
 * Trains `environment.agentCount` independent agents with PPO as CleanRL's ppo.py does it: clipped surrogate,
 * GAE(λ), clipped value loss, entropy bonus, Adam (ε 1e-5) with a linearly annealed rate, one global
 * gradient-norm clip over policy and value, several epochs of shuffled minibatches per update. Each agent has
 * its own policy and value MLP, acts on its own observations and learns only from its own rewards
 * (independent learners, Leibo et al. 2017). Every random choice derives from `seed`: the same seed and
 * options give the same history and weights on the same backend.
 */
export async function trainAgents(environment: Environment, options: TrainAgentsOptions = {}): Promise<TrainAgentsResult> {
  const settings = ppoSettings(environment, options);
  const { games, rolloutLength: T, updates } = settings;
  const root = createRandom(settings.seed);
  const starting = startingAgents(environment, options, settings, root.fork(STREAM.init));
  await selectBackend(options.backend && options.backend !== 'auto' ? { backend: options.backend } : {});
  const backend = tf.getBackend();
  const began = performance.now();

  const N = environment.agentCount;
  const O = environment.observationSize;
  const A = environment.actions.length;
  const samples = T * games;
  const batch = environment.createBatch({ games, seed: root.fork(STREAM.environment).nextUint32() });
  const actionRandom = Array.from({ length: N }, (_, a) => root.fork(STREAM.actions).fork(a));
  const shuffleRandom = Array.from({ length: N }, (_, a) => root.fork(STREAM.shuffle).fork(a));
  const tally = createStatisticsTally(environment, games);
  const all = new Float32Array(games * N * O);
  const flags = environment.flags.map(() => new Uint8Array(games * N));
  const actions = new Int32Array(games * N);
  const rewards = new Float32Array(games * N);
  const events = new Float32Array(games * N * environment.events.length);
  const logProbabilities = new Float32Array(games * A);
  const ended = new Uint8Array(T);
  const rollouts: Rollout[] = starting.map(() => ({
    observations: new Float32Array(samples * O),
    actions: new Int32Array(samples),
    logProbabilities: new Float32Array(samples),
    values: new Float32Array(samples),
    rewards: new Float32Array(samples),
    next: new Float32Array(games),
  }));
  const minibatch = createMinibatchBuffers(Math.ceil(samples / settings.minibatches), O);
  const history: AgentUpdate[] = [];
  const learners: Learner[] = [];

  try {
    for (const s of starting) {
      const policy = createMlp(s.policyLayers, s.held);
      const value = createMlp(s.valueLayers, []);
      learners.push({ policy, value, optimizer: createAdam([...policy.parameters, ...value.parameters], { epsilon: 1e-5 }) });
    }
    for (let update = 1; update <= updates; update++) {
      const learningRate = settings.anneal ? settings.learningRate * (1 - (update - 1) / updates) : settings.learningRate;
      for (let t = 0; t < T; t++) {
        options.signal?.throwIfAborted();
        batch.observe(all);
        for (const [f, name] of environment.flags.entries()) batch.flag(name, flags[f]!);
        for (let a = 0; a < N; a++) {
          const r = rollouts[a]!;
          const at = t * games;
          agentRows(all, N, a, O, r.observations, at * O);
          const x = tf.tensor2d(r.observations.subarray(at * O, (at + games) * O), [games, O]);
          try {
            logSoftmaxRows(learners[a]!.policy.output(x), A, logProbabilities);
            r.values.set(learners[a]!.value.output(x), at);
          } finally {
            x.dispose();
          }
          chooseActions(logProbabilities, A, actionRandom[a]!, actions, N, a, { into: r.logProbabilities, offset: at });
          for (let g = 0; g < games; g++) r.actions[at + g] = actions[g * N + a]!;
        }
        tally.act(actions, flags);
        const done = batch.step(actions, rewards, events);
        for (let a = 0; a < N; a++) for (let g = 0; g < games; g++) rollouts[a]!.rewards[t * games + g] = rewards[g * N + a]!;
        tally.reward(rewards);
        ended[t] = done ? 1 : 0;
        if (done) tally.endEpisode(events);
      }
      batch.observe(all);
      const rows = new Float32Array(games * O);
      for (let a = 0; a < N; a++) {
        agentRows(all, N, a, O, rows, 0);
        const x = tf.tensor2d(rows, [games, O]);
        rollouts[a]!.next.set(learners[a]!.value.output(x));
        x.dispose();
      }
      const statistics = tally.take();
      const losses = rollouts.map((r, a) => optimize(learners[a]!, r, ended, shuffleRandom[a]!, learningRate, settings, minibatch));
      const record: AgentUpdate = {
        update,
        steps: update * samples,
        learningRate,
        agents: statistics.map((s, a) => ({ ...s, losses: losses[a]! })),
      };
      history.push(record);
      options.onProgress?.({
        update,
        updates,
        record,
        networks: () =>
          starting.map((s, a) => ({
            policy: learners[a]!.policy.toNetwork(s.networks.policy),
            value: learners[a]!.value.toNetwork(s.networks.value),
          })),
      });
      // lets timers (an abort, a progress display) run between updates
      await new Promise((resolve) => setImmediate(resolve));
    }
    return {
      agents: starting.map((s, a) => ({
        policy: learners[a]!.policy.toNetwork(s.networks.policy),
        value: learners[a]!.value.toNetwork(s.networks.value),
      })),
      history,
      settings,
      steps: updates * samples,
      backend,
      seconds: (performance.now() - began) / 1000,
    };
  } finally {
    for (const learner of learners) {
      learner.policy.dispose();
      learner.value.dispose();
    }
  }
}

/** Reused arrays of one minibatch: its rows and what was recorded for them. */
interface MinibatchBuffers {
  x: Float32Array;
  xT: Float32Array;
  actions: Int32Array;
  logProbabilities: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
  values: Float32Array;
}

function createMinibatchBuffers(rows: number, inputs: number): MinibatchBuffers {
  return {
    x: new Float32Array(rows * inputs),
    xT: new Float32Array(rows * inputs),
    actions: new Int32Array(rows),
    logProbabilities: new Float32Array(rows),
    advantages: new Float32Array(rows),
    returns: new Float32Array(rows),
    values: new Float32Array(rows),
  };
}

const LOSS_NAMES = ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction'] as const;

/** The update of one agent from its rollout: `epochs` passes over it in `minibatches` shuffled minibatches. */
function optimize(
  learner: Learner,
  rollout: Rollout,
  ended: Uint8Array,
  random: Random,
  learningRate: number,
  settings: PpoSettings,
  buffers: MinibatchBuffers,
): PpoLosses {
  const samples = rollout.actions.length;
  const O = rollout.observations.length / samples;
  const { advantages: adv, returns } = advantages(
    { rewards: rollout.rewards, values: rollout.values, ended, next: rollout.next, games: settings.games },
    settings.gamma,
    settings.lambda,
  );
  const sums = new Float64Array(LOSS_NAMES.length);
  let steps = 0;
  const order = new Int32Array(samples);
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    for (let i = 0; i < samples; i++) order[i] = i;
    random.shuffle(order);
    for (let k = 0; k < settings.minibatches; k++) {
      const lo = Math.floor((k * samples) / settings.minibatches);
      const rows = Math.floor(((k + 1) * samples) / settings.minibatches) - lo;
      const b = buffers;
      for (let i = 0; i < rows; i++) {
        const j = order[lo + i]!;
        b.x.set(rollout.observations.subarray(j * O, (j + 1) * O), i * O);
        b.actions[i] = rollout.actions[j]!;
        b.logProbabilities[i] = rollout.logProbabilities[j]!;
        b.advantages[i] = adv[j]!;
        b.returns[i] = returns[j]!;
        b.values[i] = rollout.values[j]!;
      }
      transposeInto(b.x, rows, O, b.xT);
      const x = tf.tensor2d(b.x.subarray(0, rows * O), [rows, O]);
      const xT = tf.tensor2d(b.xT.subarray(0, rows * O), [O, rows]);
      try {
        const policy = learner.policy.forward(x);
        const value = learner.value.forward(x);
        const loss = ppoLoss(
          {
            logits: policy.output,
            values: value.output,
            actions: b.actions.subarray(0, rows),
            logProbabilities: b.logProbabilities.subarray(0, rows),
            advantages: b.advantages.subarray(0, rows),
            returns: b.returns.subarray(0, rows),
            oldValues: b.values.subarray(0, rows),
          },
          settings,
        );
        const gradients = [
          ...learner.policy.gradients(policy.cache, xT, loss.logitGradient),
          ...learner.value.gradients(value.cache, xT, loss.valueGradient),
        ];
        disposeCache(policy.cache);
        disposeCache(value.cache);
        learner.optimizer.step(gradients, learningRate, settings.maxGradNorm);
        learner.policy.sync();
        learner.value.sync();
        LOSS_NAMES.forEach((name, s) => {
          sums[s]! += loss.losses[name];
        });
        steps++;
      } finally {
        tf.dispose([x, xT]);
      }
    }
  }
  const mean = (s: number) => sums[s]! / steps;
  return { policyLoss: mean(0), valueLoss: mean(1), entropy: mean(2), approxKl: mean(3), clipFraction: mean(4) };
}
