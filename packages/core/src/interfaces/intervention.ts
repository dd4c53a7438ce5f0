import type { Network } from '../network.js';

/** A set of units of one layer. */
export interface UnitSelection {
  layer: string;
  units: Int32Array;
}

/** Changes a network at chosen units (lesion, prune) and returns the edited copy. */
export interface Intervention {
  readonly specificationVersion: 'v1';
  readonly name: string;
  apply(network: Network, selection: readonly UnitSelection[]): Network;
}
