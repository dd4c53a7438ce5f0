import { InvalidArgumentError, PluginError, type Partitioner } from '@modscope/core';

/**
 * How to make a partitioner in another thread: a module specifier (a package name, or a `file:` URL), the
 * name of a factory it exports, and the factory's options (anything structured-clone can copy). Every
 * partitioner, ours or a third party's, plugs in this way; `findPartitionerSpec` makes one from a package
 * name or path.
 */
export interface PartitionerSpec {
  module: string;
  factory: string;
  options?: unknown;
}

/** Whether a value is a `Partitioner` object (rather than a spec). */
export function isPartitioner(value: unknown): value is Partitioner {
  return typeof value === 'object' && value !== null && 'partition' in value && 'specificationVersion' in value;
}

/** Throws an `InvalidArgumentError` saying what to pass when `partitioner` is neither a Partitioner nor a spec. */
export function checkPartitionerOption(partitioner: unknown): void {
  if (isPartitioner(partitioner)) return;
  const spec = partitioner as Partial<PartitionerSpec> | undefined;
  if (typeof spec?.module === 'string' && typeof spec.factory === 'string') return;
  throw new InvalidArgumentError({
    argument: 'partitioner',
    message: `@modscope/clusterability: partitioner must be a Partitioner or a { module, factory, options } spec, got ${typeof partitioner === 'string' ? `'${partitioner}'` : (JSON.stringify(partitioner) ?? 'nothing')}.`,
    hint: "Pass e.g. spectralPartitioner of @modscope/partition-spectral, or { module: '@modscope/partition-spectral', factory: 'createSpectralPartitioner' }.",
  });
}

/** A `PluginError` for a spec whose module loads but does not give a v1 Partitioner. */
function invalid(spec: PartitionerSpec, message: string, hint: string): PluginError {
  return new PluginError({ code: 'invalid-plugin', plugin: spec.module, message, hint });
}

/** Imports the module of a spec and calls its factory. */
export async function loadPartitioner(spec: PartitionerSpec): Promise<Partitioner> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec.module)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginError({
      code: 'missing-plugin',
      plugin: spec.module,
      message: `the partitioner module '${spec.module}' could not be loaded (${(error as Error).message.split('\n')[0]}).`,
      hint: `Install it (npm install ${spec.module}) or choose another partitioner.`,
      cause: error,
    });
  }
  const factory = mod[spec.factory];
  if (typeof factory !== 'function') {
    throw invalid(
      spec,
      `'${spec.module}' has no factory function '${spec.factory}'.`,
      'Name a function the module exports that returns a Partitioner.',
    );
  }
  let partitioner: Partitioner;
  try {
    partitioner = (factory as (options?: unknown) => Partitioner)(spec.options);
  } catch (error) {
    if (typeof (error as { code?: unknown })?.code === 'string') throw error; // the plugin's own error about its options
    throw invalid(
      spec,
      `'${spec.module}'.${spec.factory}() failed: ${(error as Error)?.message?.split('\n')[0] ?? String(error)}.`,
      'The plugin is broken: check its version, or report it to its authors.',
    );
  }
  if (partitioner?.specificationVersion !== 'v1' || typeof partitioner.partition !== 'function') {
    throw invalid(
      spec,
      `'${spec.module}'.${spec.factory}() did not return a v1 Partitioner.`,
      'A partitioner has specificationVersion "v1", a name and partition(graph, { k, seed }).',
    );
  }
  return partitioner;
}
