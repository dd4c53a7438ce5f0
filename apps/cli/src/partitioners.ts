import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { PartitionerSpec } from '@modscope/clusterability';
import { ModscopeError } from '@modscope/core';
import { UsageError } from './usage-error.js';

const require = createRequire(import.meta.url);

/**
 * The partitioners modscope ships, by the names `--partitioner` takes: the one name table of the project
 * (pipelines take a `Partitioner` or a spec, never a name). Each module is resolved from modscope's own
 * install, as a `file:` URL the shuffle workers import.
 */
export const PARTITIONERS: Readonly<Record<string, () => PartitionerSpec>> = Object.freeze({
  spectral: () => ({ module: fileUrl(require.resolve('@modscope/partition-spectral')), factory: 'createSpectralPartitioner' }),
  louvain: () => ({ module: fileUrl(require.resolve('@modscope/partition-louvain')), factory: 'createLouvainPartitioner' }),
});

function fileUrl(path: string): string {
  return pathToFileURL(path).href;
}

/**
 * What `--partitioner <value>` names, as the spec the pipeline and its shuffle workers load: a name of
 * `PARTITIONERS`, or else a package name or path found from `cwd`, the user's project
 * (`findPartitionerSpec` of `@modscope/clusterability`: `package#export`, the default export, or the one
 * `create…Partitioner` export). A value that is neither is a `UsageError` (exit 2); a package that is
 * there but broken is a `PluginError` (exit 1).
 */
export async function partitionerSpec(value: string, cwd: string = process.cwd()): Promise<PartitionerSpec> {
  const builtin = PARTITIONERS[value];
  if (builtin) return builtin();
  const { findPartitionerSpec } = await import('@modscope/clusterability');
  try {
    return await findPartitionerSpec(value, { from: cwd });
  } catch (error) {
    if (!(ModscopeError.isInstance(error) && error.code === 'missing-plugin')) throw error;
    throw new UsageError({
      argument: '--partitioner',
      message: `unknown partitioner '${value}': not one of ${Object.keys(PARTITIONERS).join(', ')}, nor a package or file found from ${cwd}.`,
      hint: `Use ${Object.keys(PARTITIONERS).join(' or ')}, or install a partitioner plugin in your project (npm install <package>) and give its name or path.`,
    });
  }
}
