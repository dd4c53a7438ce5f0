import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/intervention-prune', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'capabilityFor',
        'capabilityInputs',
        'capabilityMetrics',
        'chooseModules',
        'countsPerLayer',
        'excise',
        'lowestMagnitudeUnits',
        'releasePruned',
        'RELEASED_INIT_SCALE',
        'liveUnits',
        'mergeSelection',
        'parseForgetSpec',
        'parseTrigger',
        'pruneUnits',
        'randomUnits',
        'recoveryStats',
        'retainCollapse',
        'DEGENERATE_RETAIN_DROP',
        'RELEARN_RETAIN_PER_EXAMPLE',
        'relearningAttack',
        'scoreModules',
        'selectionMasks',
        'selectivePruningScores',
        'topUnits',
        'triggerAttackRates',
        'TRIGGER_SPECIFIC_ATTACK_SUCCESS',
        'weightDistance',
      ].sort(),
    );
  });
});
