import { type Network, unitLayers } from '@modscope/core';

/** Hidden units of a network: the most any method can prune. */
export function hiddenUnits(network: Network): number {
  return unitLayers(network)
    .filter((u) => u.hidden)
    .reduce((a, u) => a + u.units, 0);
}
