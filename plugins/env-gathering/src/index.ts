export { createGatheringEnvironment, GATHERING_DEFAULTS, type GatheringOptions } from './gathering-environment.js';
