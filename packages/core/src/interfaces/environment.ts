/**
 * A multi-agent environment (method §10): a plugin that the reinforcement-learning machinery trains
 * policies in and the agent pipelines roll out. It makes batches of independent games that step together
 * (vectorized), so that one policy forward pass serves every game of a batch.
 *
 * Layout of every per-agent array: game-major, then agent, i.e. index `game * agentCount + agent`.
 * Check an implementation with `environmentConformanceCases` of `@modscope/core/testing`.
 */
export interface Environment {
  readonly specificationVersion: 'v1';
  /** Name the CLI knows it by, e.g. `gathering`. */
  readonly name: string;
  /** Agents in each game (every agent observes and acts at every step). */
  readonly agentCount: number;
  /** Length of one agent's observation vector (the policy network's input size). */
  readonly observationSize: number;
  /** Action names in index order (the policy network's outputs), e.g. `['forward', …, 'fire']`. */
  readonly actions: readonly string[];
  /**
   * Names of the per-step events an agent can cause, counted by `step` (e.g. `apple` for an apple
   * collected, `tag` for a beam that hit the other agent).
   */
  readonly events: readonly string[];
  /**
   * Names of per-agent state flags that `flags` reports for the current state (e.g. `other-in-range`:
   * the other agent is where this agent's beam would hit it).
   */
  readonly flags: readonly string[];
  /** Steps in an episode; every game of a batch ends after this many steps and starts a new episode. */
  readonly episodeLength: number;
  /**
   * Named behaviours of an agent that experiments measure and remove (method §10), e.g. `fire` (the beam when
   * the other agent is in range), `move`, `collect`. Optional: an environment without them can still be
   * trained in and rolled out.
   */
  readonly behaviours?: Readonly<Record<string, EnvironmentBehaviour>>;
  /** The environment's own settings (e.g. `{ regrowth: 0.05 }`), as recorded in a training record. */
  readonly settings: Readonly<Record<string, number | string | boolean>>;
  /**
   * `games` independent games. Game g's course depends only on `seed`, g and the actions taken in it, never
   * on how many games share the batch.
   */
  createBatch(options: { games: number; seed: number }): EnvironmentBatch;
}

export interface EnvironmentBatch {
  readonly games: number;
  /** Writes every agent's observation: `games × agentCount × observationSize` values. */
  observe(into: Float32Array): void;
  /** Writes flag `name` of every agent in the current state (1 or 0): `games × agentCount` values. */
  flag(name: string, into: Uint8Array): void;
  /**
   * Applies one action per agent (`games × agentCount` action indices) and advances every game one step.
   * Writes each agent's reward (`games × agentCount`) and adds the events each agent caused to `events`
   * (`games × agentCount × events.length`, accumulated, never cleared here). Returns true when this step
   * ended the episode: every game has then started a new one.
   */
  step(actions: Int32Array, rewards: Float32Array, events: Float32Array): boolean;
  /** The current state of game `game`, for people: a text grid and an RGB image. */
  render(game: number): EnvironmentFrame;
}

export interface EnvironmentFrame {
  /** One line per grid row; a legend says what each character is. */
  text: string;
  legend: Readonly<Record<string, string>>;
  width: number;
  height: number;
  /** `height × width × 3` bytes, row-major. */
  rgb: Uint8Array;
}

/**
 * A behaviour of an agent, measured in one of two ways:
 * - `action`: how likely the policy is to choose one of `actions` in the states where `flag` is set (all states
 *   when `flag` is null) — read on recorded states, so a lesion's effect is measured without playing;
 * - `event`: how often the agent causes `event` per episode — measured by playing.
 */
export type EnvironmentBehaviour =
  | { readonly kind: 'action'; readonly actions: readonly string[]; readonly flag: string | null; readonly description: string }
  | { readonly kind: 'event'; readonly event: string; readonly description: string };
