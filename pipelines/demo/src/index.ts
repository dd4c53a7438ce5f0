export { runDemo, type DemoRunOptions, type DemoStage, type DemoStep } from './run-demo.js';
export { DEMO_RECIPE } from './demo-recipe.js';
export { demoData, type DemoData } from './demo-data.js';
export { pairedRows } from './paired-rows.js';
export { taskAlignment, type TaskAlignment } from './task-alignment.js';
export { lesionsByTask, type TaskLesion } from './lesions-by-task.js';
export type { DemoRelearning, DemoSummary } from './summarize-demo.js';
export {
  runLanguageModelDemo,
  type LanguageModelDemoOptions,
  type LanguageModelDemoStage,
  type LanguageModelDemoStep,
} from './run-language-model-demo.js';
export { LANGUAGE_MODEL_DEMO_RECIPE, type LanguageModelDemoRecipe } from './language-model-demo-recipe.js';
export type {
  LanguageModelDemoPoint,
  LanguageModelDemoRelearning,
  LanguageModelDemoSummary,
} from './summarize-language-model-demo.js';
