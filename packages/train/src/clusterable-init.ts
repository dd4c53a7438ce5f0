import { cloneNetwork, createRandom, InvalidArgumentError, unitLayers, type Network } from '@modscope/core';
import { weightedById, weightLinks } from './weight-links.js';

export interface ClusterableInitOptions {
  /** (number, default 10) — modules M the units are spread over. */
  modules?: number;
  /** (number in (0, 1], default 0.6 for MLPs, 0.8 for networks with convolutions) — factor of cross-module weights. */
  down?: number;
  /** (number, default 0) — seed of the module assignment. */
  seed?: number;
}

export interface ClusterableInitResult {
  network: Network;
  /** Module of every unit (channel) of every dense/conv layer, by layer id, in network order. */
  modules: { layer: string; modules: Int32Array }[];
  /** The factor of within-module weights: 1 + (1 − down)(M − 1). */
  up: number;
  down: number;
}

const pkg = '@modscope/train';

export function checkClusterableOptions(options: ClusterableInitOptions): void {
  const m = options.modules ?? 10;
  if (!Number.isInteger(m) || m < 2) {
    throw new InvalidArgumentError({
      argument: 'clusterableInit.modules',
      message: `${pkg}: clusterable initialization needs an integer number of modules ≥ 2, got ${m}.`,
    });
  }
  if (options.down !== undefined && !(options.down > 0 && options.down <= 1)) {
    throw new InvalidArgumentError({
      argument: 'clusterableInit.down',
      message: `${pkg}: clusterable initialization factor down must lie in (0, 1], got ${options.down}.`,
      hint: 'The method uses 0.6 for MLPs and 0.8 for CNNs.',
    });
  }
}

/**
 * Clusterable initialization (method §7): every hidden unit gets a random module out of M (output units
 * take module = class index mod M); then, in every weighted layer but the first, weights joining units of
 * the same module are multiplied by up = 1 + (1 − down)(M − 1) and the others by down, which keeps the
 * mean factor at 1. For convolutions the factor applies to the kernel slice K[:, :, i, j]; a dense layer
 * after a flatten reads each channel's module. Returns a new network.
 */
export function clusterableInit(network: Network, options: ClusterableInitOptions = {}): ClusterableInitResult {
  checkClusterableOptions(options);
  const m = options.modules ?? 10;
  const down = options.down ?? (network.layers.some((l) => l.kind === 'conv2d') ? 0.8 : 0.6);
  const up = 1 + (1 - down) * (m - 1);
  const random = createRandom(options.seed ?? 0);
  const links = weightLinks(network, 'clusterable initialization');
  const hidden = new Map(unitLayers(network).map((u) => [u.layer, u.hidden]));
  const out = cloneNetwork(network);
  const byId = weightedById(out);
  const modules = new Map<string, Int32Array>();
  for (const link of links) {
    const layer = byId.get(link.layer)!;
    const assigned = new Int32Array(layer.units);
    for (let j = 0; j < layer.units; j++) assigned[j] = hidden.get(layer.id) === false ? j % m : random.int(m);
    modules.set(layer.id, assigned);
    if (link.source === null) continue;
    const from = modules.get(link.source)!;
    const k = layer.kernel;
    const cout = layer.units;
    const rows = link.rows.length;
    const taps = k.length / (rows * cout);
    for (let t = 0; t < taps; t++) {
      for (let r = 0; r < rows; r++) {
        const mr = from[link.rows[r]!]!;
        const base = (t * rows + r) * cout;
        for (let j = 0; j < cout; j++) k[base + j]! *= mr === assigned[j] ? up : down;
      }
    }
  }
  return { network: out, modules: links.map((l) => ({ layer: l.layer, modules: modules.get(l.layer)! })), up, down };
}
