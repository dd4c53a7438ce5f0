export { trainAgents } from './train-agents.js';
export {
  TRAIN_AGENTS_DEFAULTS,
  type TrainAgentsOptions,
  type TrainAgentsResult,
  type TrainAgentsProgress,
  type AgentUpdate,
  type AgentUpdateStatistics,
  type PpoLosses,
  type PpoSettings,
} from './train-agents-options.js';
export {
  rolloutAgents,
  ROLLOUT_AGENTS_DEFAULTS,
  type RolloutAgentsOptions,
  type RolloutAgentsResult,
  type RecordedStates,
} from './rollout-agents.js';
export type { AgentStatistics, FlagStatistics } from './agent-statistics.js';
export type { AgentNetworks } from './agent-networks.js';
export { policyOutputs, type PolicyOutputs, type PolicyOutputsOptions } from './policy-outputs.js';
