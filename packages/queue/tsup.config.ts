import { packageBuild } from '../../tsup.base';

export default packageBuild({ entry: ['src/index.ts', 'src/testing/index.ts', 'src/piece-thread.ts'] });
