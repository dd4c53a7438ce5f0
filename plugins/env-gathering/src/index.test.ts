import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the public API', () => {
  expect(Object.keys(api).sort()).toEqual(['GATHERING_DEFAULTS', 'createGatheringEnvironment']);
});

it('makes an environment named gathering with the defaults', () => {
  expect(api.createGatheringEnvironment()).toMatchObject({ specificationVersion: 'v1', name: 'gathering', episodeLength: 100 });
  expect(api.GATHERING_DEFAULTS).toMatchObject({ regrowth: 0.05, episodeLength: 100, beamLength: 5, timeout: 25, beamCost: 0 });
});
