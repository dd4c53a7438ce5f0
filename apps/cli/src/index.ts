export { main } from './main.js';
export { createProgram } from './program.js';
export { loaders } from './loaders.js';
export {
  runExcise,
  trainFineTuner,
  trainNeverTrained,
  EXCISE_DEFAULTS,
  type ExciseData,
  type ExciseJson,
  type ExciseRunOptions,
} from './excise-run.js';
export { formatExcise } from './commands/excise.js';
