import type { ExciseMethod } from '@modscope/intervention-prune';

/** Every method and baseline, in the order they run and are shown. */
export const EXCISE_METHODS: readonly ExciseMethod[] = Object.freeze(['module', 'random', 'magnitude', 'selective', 'none']);

/** What each method is called in tables and reports. */
export const METHOD_NAMES: Readonly<Record<ExciseMethod, string>> = Object.freeze({
  module: 'module pruning',
  random: 'random units',
  magnitude: 'lowest-magnitude units',
  selective: 'selective pruning',
  none: 'no pruning',
});
