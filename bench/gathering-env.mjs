// The Gathering environment (@modscope/env-gathering) without a learned policy. Run after `npm run build`:
//
//   node bench/gathering-env.mjs [--games 1,64,1024] [--seconds 2]
//     speed: a batch of games stepped with uniformly random actions (generated before the clock starts) on
//     one core; agent-steps per second for step alone and for step + observe (what a rollout needs)
//   node bench/gathering-env.mjs --regimes [--regrowth 0.005,0.01,0.02,0.05,0.1,0.2,0.3,1] [--games 100]
//     scarcity and abundance: per regrowth rate, apples per agent and episode for two apple-greedy agents, and
//     for a hunter (chases the other agent and fires whenever it is in range) against an apple-greedy one;
//     both policies read only the observation and the flags, as a learned policy would
import { parseArgs } from 'node:util';
import { createRandom } from '@modscope/core';
import { createGatheringEnvironment } from '@modscope/env-gathering';

const { values } = parseArgs({
  options: {
    games: { type: 'string' },
    seconds: { type: 'string', default: '2' },
    regimes: { type: 'boolean', default: false },
    regrowth: { type: 'string', default: '0.005,0.01,0.02,0.05,0.1,0.2,0.3,1' },
  },
});
const list = (text) => text.split(',').map(Number);

/** Agent-steps per second of `games` games over about `seconds`, with or without observe. */
function measure(environment, games, seconds, observe) {
  const { agentCount, observationSize, events } = environment;
  const batch = environment.createBatch({ games, seed: 0 });
  const random = createRandom(1);
  const actions = Array.from({ length: 64 }, () => Int32Array.from({ length: games * agentCount }, () => random.int(8)));
  const rewards = new Float32Array(games * agentCount);
  const counts = new Float32Array(games * agentCount * events.length);
  const observations = new Float32Array(games * agentCount * observationSize);
  const round = Math.max(1, Math.ceil(20_000 / games));
  for (let s = 0; s < round; s++) batch.step(actions[s % 64], rewards, counts); // warm-up
  let steps = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (let s = 0; s < round; s++) {
      batch.step(actions[(steps + s) % 64], rewards, counts);
      if (observe) batch.observe(observations);
    }
    steps += round;
    elapsed = performance.now() - start;
  }
  const { user, system } = process.cpuUsage(cpu);
  const agentSteps = steps * games * agentCount;
  return { wall: agentSteps / (elapsed / 1000), cpu: agentSteps / ((user + system) / 1e6) };
}

function speed() {
  const environment = createGatheringEnvironment();
  const seconds = Number(values.seconds);
  console.log(`gathering, defaults: ${environment.agentCount} agents, observation ${environment.observationSize} values`);
  console.log('games | step: agent-steps/s (wall, CPU) | step + observe: agent-steps/s (wall, CPU)');
  const m = (x) => `${(x / 1e6).toFixed(2)}M`;
  for (const games of list(values.games ?? '1,64,1024')) {
    const step = measure(environment, games, seconds, false);
    const both = measure(environment, games, seconds, true);
    console.log(`${String(games).padStart(5)} | ${m(step.wall)}, ${m(step.cpu)} | ${m(both.wall)}, ${m(both.cpu)}`);
  }
}

// The observation (see the plugin's README): channels wall, apple, other agent over a 7 × 7 window, row 0
// five cells ahead, the agent at row 5, column 3; then whether the agent is off the map.
const SIDE = 3;
const AHEAD = 5;
const WIDTH = 7;
const CELLS = 49;
const [FORWARD, BACKWARD, LEFT, RIGHT, ROTATE_LEFT, ROTATE_RIGHT, STAY, FIRE] = [0, 1, 2, 3, 4, 5, 6, 7];

/** The nearest window cell set in channel `channel` as [ahead, right], or null. */
function nearest(observation, offset, channel) {
  let best = null;
  let distance = Infinity;
  for (let k = 0; k < CELLS; k++) {
    if (observation[offset + channel * CELLS + k] !== 1) continue;
    const ahead = AHEAD - Math.floor(k / WIDTH);
    const right = (k % WIDTH) - SIDE;
    const d = Math.abs(ahead) + Math.abs(right);
    if (d < distance) [best, distance] = [[ahead, right], d];
  }
  return best;
}

/** A move toward [ahead, right] along its longer axis (moves need no turning: backward and strafes exist). */
function toward([ahead, right]) {
  if (Math.abs(ahead) >= Math.abs(right)) return ahead > 0 ? FORWARD : BACKWARD;
  return right > 0 ? RIGHT : LEFT;
}

const WANDER = [FORWARD, FORWARD, LEFT, RIGHT, ROTATE_LEFT, ROTATE_RIGHT];

/** Nearest visible apple; with probability 0.15, or when none is visible, a random move. */
function greedy(observation, offset, random) {
  if (observation[offset + 3 * CELLS] === 1) return STAY;
  const apple = nearest(observation, offset, 1);
  if (apple === null || random.next() < 0.15) return WANDER[random.int(WANDER.length)];
  return toward(apple);
}

/** Fires when the other agent is in range, else lines up with it when it is visible, else as greedy. */
function hunter(observation, offset, inRange, random) {
  if (inRange === 1) return FIRE;
  const other = observation[offset + 3 * CELLS] === 1 ? null : nearest(observation, offset, 2);
  if (other === null || random.next() < 0.15) return greedy(observation, offset, random);
  const [ahead, right] = other;
  if (right !== 0) return right > 0 ? RIGHT : LEFT;
  return ahead > 0 ? FORWARD : ROTATE_RIGHT;
}

function regimes() {
  const games = Number(values.games ?? 100);
  const episodes = 3;
  console.log(`${games} games × ${episodes} episodes per row; apples per agent and episode, tags per episode`);
  console.log('regrowth | greedy vs greedy: apples, apples on the map | hunter vs greedy: hunter, greedy, tags | hunter ÷ greedy alone');
  for (const regrowth of list(values.regrowth)) {
    const environment = createGatheringEnvironment({ regrowth });
    const { observationSize, episodeLength } = environment;
    const row = [];
    for (const hunt of [false, true]) {
      const batch = environment.createBatch({ games, seed: 1 });
      const random = createRandom(2);
      const observations = new Float32Array(games * 2 * observationSize);
      const inRange = new Uint8Array(games * 2);
      const actions = new Int32Array(games * 2);
      const rewards = new Float32Array(games * 2);
      const counts = new Float32Array(games * 2 * 4);
      let onMap = 0;
      for (let s = 0; s < episodes * episodeLength; s++) {
        batch.observe(observations);
        batch.flag('other-in-range', inRange);
        for (let i = 0; i < 2 * games; i++) {
          const offset = i * observationSize;
          actions[i] = hunt && i % 2 === 0 ? hunter(observations, offset, inRange[i], random) : greedy(observations, offset, random);
        }
        if (!hunt) for (let g = 0; g < games; g++) onMap += [...batch.render(g).text].filter((c) => c === '@').length / games;
        batch.step(actions, rewards, counts);
      }
      const per = (agent, event) => {
        let sum = 0;
        for (let g = 0; g < games; g++) sum += counts[(2 * g + agent) * 4 + event];
        return sum / (games * episodes);
      };
      row.push({ first: per(0, 0), second: per(1, 0), tags: per(0, 2) + per(1, 2), onMap: onMap / (episodes * episodeLength) });
    }
    const [peace, war] = row;
    console.log(
      `${String(regrowth).padStart(8)} | ${((peace.first + peace.second) / 2).toFixed(1)}, ${peace.onMap.toFixed(1)} | ` +
        `${war.first.toFixed(1)}, ${war.second.toFixed(1)}, ${war.tags.toFixed(2)} | ${(war.first / ((peace.first + peace.second) / 2)).toFixed(2)}`,
    );
  }
}

if (values.regimes) regimes();
else speed();
