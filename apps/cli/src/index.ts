export { main } from './main.js';
export { createProgram } from './program.js';
export { loaders } from './loaders.js';
