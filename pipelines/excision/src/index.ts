export {
  runExcise,
  EXCISE_DEFAULTS,
  type ExciseData,
  type ExciseRunOptions,
  type ExciseRunResult,
} from './run-excise.js';
export { EXCISE_METHODS, METHOD_NAMES } from './excise-methods.js';
export { hiddenUnits } from './hidden-units.js';
export { trainingSets } from './training-sets.js';
export { trainFineTuner } from './train-fine-tuner.js';
export { trainNeverTrained, type NeverTrained, type NeverTrainedOptions } from './train-never-trained.js';
export { floorRecipeOf, type FloorRecipe } from './floor.js';
export type { FineTuneSettings } from './fine-tune-settings.js';
