// The public API of @modscope/agents: each export below is added with the module that defines it.
export {
  runExciseAgents,
  exciseBehaviours,
  AGENT_EXCISE_DEFAULTS,
  AGENT_EXCISE_METHODS,
  AGENT_METHOD_NAMES,
  type AgentCurvePoint,
  type AgentExciseMethod,
  type AgentFloorRecipe,
  type ExciseAgentsOptions,
  type ExciseAgentsRun,
} from './excise/run-excise-agents.js';
export { behavioursOf, behaviourNamed, type NamedBehaviour } from './behaviours.js';
export { measureTeam, type AgentFigures, type TeamFigures, type MeasureSettings } from './agent-figures.js';
export {
  runTrainAgents,
  uniformPolicy,
  AGENT_TRAIN_DEFAULTS,
  type AgentPpoOptions,
  type AgentTrainPlan,
  type TrainAgentsRunOptions,
} from './run-train-agents.js';
export {
  runLesionAgents,
  AGENT_LESION_DEFAULTS,
  type LesionAgentsOptions,
  type LesionAgentsRun,
} from './lesion/run-lesion-agents.js';
export { readTrainedAgents, type TrainedAgents } from './read-trained-agents.js';
