import { dirname, resolve } from 'node:path';
import { CorruptFileError } from '@modscope/core';
import { z } from 'zod';
import { describeZodIssue } from './describe-zod-issue.js';
import type { CorpusDomain } from './corpus-domain.js';
import { readTextFile } from './read-text-file.js';

const manifestSchema = z.strictObject({
  domains: z
    .array(
      z.strictObject({
        name: z.string().min(1, { message: 'must not be empty' }),
        files: z.array(z.string().min(1, { message: 'must not be empty' })).min(1, { message: 'must list at least one file' }),
      }),
    )
    .min(1, { message: 'must list at least one domain' }),
});

/**
 * Reads a corpus manifest, `{ "domains": [{ "name": "en", "files": ["a.txt", …] }, …] }`; relative file
 * paths are resolved against the manifest's directory.
 */
export async function readCorpusManifest(path: string): Promise<CorpusDomain[]> {
  const text = await readTextFile(path, 'corpus manifest');
  const fail = (reason: string, cause?: unknown): never => {
    throw new CorruptFileError({
      path,
      format: 'corpus manifest',
      reason,
      hint: 'Write it as JSON: {"domains": [{"name": "en", "files": ["en.txt"]}, …]}, file paths relative to the manifest.',
      cause,
    });
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`it is not JSON (${(error as Error).message})`, error);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    return fail(describeZodIssue(parsed.error));
  }
  const base = dirname(path);
  return parsed.data.domains.map((d) => ({ name: d.name, files: d.files.map((f) => resolve(base, f)) }));
}
