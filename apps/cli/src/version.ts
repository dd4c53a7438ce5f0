import { createRequire } from 'node:module';

/** This install's version, read from its package.json (the one place changesets bump it). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
