export { runDemo, type DemoRunOptions, type DemoStage, type DemoStep } from './run-demo.js';
export { DEMO_RECIPE } from './demo-recipe.js';
export { demoData, type DemoData } from './demo-data.js';
export { pairedRows } from './paired-rows.js';
export { taskAlignment, type TaskAlignment } from './task-alignment.js';
export { lesionsByTask, type TaskLesion } from './lesions-by-task.js';
export type { DemoRelearning, DemoSummary } from './summarize-demo.js';
