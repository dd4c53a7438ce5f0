import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/agents', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'AGENT_EXCISE_DEFAULTS',
        'AGENT_EXCISE_METHODS',
        'AGENT_LESION_DEFAULTS',
        'AGENT_METHOD_NAMES',
        'AGENT_TRAIN_DEFAULTS',
        'behaviourNamed',
        'behavioursOf',
        'exciseBehaviours',
        'measureTeam',
        'readTrainedAgents',
        'runExciseAgents',
        'runLesionAgents',
        'runTrainAgents',
        'uniformPolicy',
      ].sort(),
    );
  });
});
