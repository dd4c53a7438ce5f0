#!/usr/bin/env node
// The installed `modscope` command. It only imports the built CLI; it is committed (not built) so that
// npm can link it at install time, before `npm run build` has made dist/.
import('../dist/bin.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    process.stderr.write('modscope: the CLI is not built yet. Run `npm run build` at the repository root first.\n');
    process.exit(1);
  }
  throw error;
});
