import type { ClusterResultFile } from '@modscope/results';

/** A null model's shuffle test as the report draws it: a z written as null (not finite) read back as NaN. */
export type NullTestView = Omit<ClusterResultFile['nulls'][string], 'z'> & { z: number };

/** A `modscope/cluster` result as the report draws it. */
export type ClusterView = Omit<ClusterResultFile, 'nulls'> & { nulls: Record<string, NullTestView> };

export function clusterView(file: ClusterResultFile): ClusterView {
  const nulls = Object.fromEntries(Object.entries(file.nulls).map(([name, test]) => [name, { ...test, z: test.z ?? Number.NaN }]));
  return { ...file, nulls };
}
