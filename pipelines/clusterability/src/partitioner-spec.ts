import { InvalidArgumentError, ModscopeError, type Partitioner } from '@modscope/core';

/**
 * How to make a partitioner in another thread: a module specifier, the name of a factory it exports, and
 * the factory's options (anything structured-clone can copy). Third-party partitioners plug in the same
 * way as the built-in ones.
 */
export interface PartitionerSpec {
  module: string;
  factory: string;
  options?: unknown;
}

/** The partitioners modscope ships, by name. */
export const BUILTIN_PARTITIONERS: Readonly<Record<string, PartitionerSpec>> = {
  spectral: { module: '@modscope/partition-spectral', factory: 'spectralPartitioner' },
  louvain: { module: '@modscope/partition-louvain', factory: 'louvainPartitioner' },
};

/** A built-in partitioner name → its spec; a spec is returned as it is. */
export function resolvePartitionerSpec(partitioner: string | PartitionerSpec): PartitionerSpec {
  if (typeof partitioner !== 'string') return partitioner;
  const spec = BUILTIN_PARTITIONERS[partitioner];
  if (!spec) {
    throw new InvalidArgumentError({
      argument: 'partitioner',
      message: `unknown partitioner '${partitioner}'.`,
      hint: `Use one of: ${Object.keys(BUILTIN_PARTITIONERS).join(', ')}, or pass { module, factory, options } for a plugin.`,
    });
  }
  return spec;
}

/** Whether a value is a `Partitioner` object (rather than a name or a spec). */
export function isPartitioner(value: unknown): value is Partitioner {
  return typeof value === 'object' && value !== null && 'partition' in value && 'specificationVersion' in value;
}

/** Imports the module of a spec and calls its factory. */
export async function loadPartitioner(spec: PartitionerSpec): Promise<Partitioner> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec.module)) as Record<string, unknown>;
  } catch (error) {
    throw new ModscopeError({
      code: 'missing-plugin',
      message: `the partitioner module '${spec.module}' could not be loaded (${(error as Error).message.split('\n')[0]}).`,
      hint: `Install it (npm install ${spec.module}) or choose another partitioner.`,
      cause: error,
    });
  }
  const factory = mod[spec.factory];
  if (typeof factory !== 'function') {
    throw new InvalidArgumentError({
      argument: 'partitioner',
      message: `'${spec.module}' has no factory function '${spec.factory}'.`,
      hint: 'Name a function the module exports that returns a Partitioner.',
    });
  }
  const partitioner = (factory as (options?: unknown) => Partitioner)(spec.options);
  if (partitioner?.specificationVersion !== 'v1' || typeof partitioner.partition !== 'function') {
    throw new InvalidArgumentError({
      argument: 'partitioner',
      message: `'${spec.module}'.${spec.factory}() did not return a v1 Partitioner.`,
      hint: 'A partitioner has specificationVersion "v1", a name and partition(graph, { k, seed }).',
    });
  }
  return partitioner;
}
