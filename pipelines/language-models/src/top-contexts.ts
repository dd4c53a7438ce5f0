import { createRandom, type Evaluator } from '@modscope/core';
import { empiricalP } from '@modscope/metrics';
import type { Tokenizer, TokenWindows } from '@modscope/text';

/** One position of the text where a set of units is most active, with the text around it. */
export interface TopContext {
  /** Mean activation of the set's units (channels, for heads) at this position. */
  activation: number;
  domain: string;
  window: number;
  position: number;
  /** Up to `before` tokens ending just before the position, the token at it, and up to `after` tokens after. */
  before: string;
  token: string;
  after: string;
}

export interface SubclusterContexts {
  layer: string;
  cluster: number;
  contexts: TopContext[];
  /** Shannon entropy (bits) of the domains of the top contexts. */
  domainEntropy: number;
  /** Left-sided p of `domainEntropy` against random same-size sets of the same layer: small = more domain-coherent. */
  domainEntropyP: number;
}

export interface TopContextsOptions {
  /** Contexts per set (default 10). */
  top?: number;
  /** Random same-size sets per sub-cluster for the entropy's null (default 19). */
  random?: number;
  seed?: number;
  /** Tokens shown before and after the position (default 40 and 8). */
  before?: number;
  after?: number;
  batchSize?: number;
}

/** A set of units of one layer, with the channels each unit owns (1 for neurons, the head size for heads). */
export interface UnitSet {
  layer: string;
  cluster: number;
  units: Int32Array;
  layerUnits: number;
  channels: number;
}

function entropy(labels: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const q = c / labels.length;
    h -= q * Math.log2(q);
  }
  return h;
}

/** The `top` largest (value, index) pairs seen, kept sorted (descending; ties keep the earlier index). */
class TopList {
  readonly values: number[] = [];
  readonly at: number[] = [];
  constructor(private readonly size: number) {}
  offer(value: number, index: number): void {
    if (this.values.length === this.size && !(value > this.values[this.size - 1]!)) return;
    let i = this.values.length;
    while (i > 0 && value > this.values[i - 1]!) i--;
    this.values.splice(i, 0, value);
    this.at.splice(i, 0, index);
    if (this.values.length > this.size) {
      this.values.pop();
      this.at.pop();
    }
  }
}

/**
 * Upstream coherence for text (method §9): for every unit set, the positions of the text where its units are
 * most active on average, shown with the text around them, and the entropy of those positions' domains
 * against `random` same-size sets of the same layer (a sub-cluster that reads one domain has low entropy).
 */
export async function topContexts(
  evaluator: Evaluator,
  windows: TokenWindows,
  tokenizer: Tokenizer,
  sets: readonly UnitSet[],
  options: TopContextsOptions = {},
): Promise<SubclusterContexts[]> {
  const top = options.top ?? 10;
  const random = options.random ?? 19;
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const root = createRandom(options.seed ?? 0);
  // Each sub-cluster and its random sets, as channel lists.
  const groups = sets.map((set, i) => {
    const draw = root.fork(i);
    const members = [set.units, ...Array.from({ length: random }, () => Int32Array.from(draw.sample(set.layerUnits, set.units.length)))];
    return {
      set,
      lists: members.map(() => new TopList(top)),
      channels: members.map((units) =>
        Int32Array.from(Array.from(units).flatMap((u) => Array.from({ length: set.channels }, (_, c) => u * set.channels + c))),
      ),
    };
  });
  const layers = [...new Set(sets.map((s) => s.layer))];
  const T = windows.context;
  for (let first = 0; first < windows.count; first += batchSize) {
    const n = Math.min(batchSize, windows.count - first);
    const inputs = Float32Array.from(windows.tokens.subarray(first * T, (first + n) * T));
    const { activations } = await evaluator.run({ inputs, count: n, batchSize: n, capture: layers });
    for (const g of groups) {
      const { data, shape } = activations.get(g.set.layer)!;
      const width = shape[shape.length - 1]!;
      for (let s = 0; s < g.lists.length; s++) {
        const channels = g.channels[s]!;
        const list = g.lists[s]!;
        for (let q = 0; q < n * T; q++) {
          let sum = 0;
          for (const c of channels) sum += data[q * width + c]!;
          list.offer(sum / channels.length, first * T + q);
        }
      }
    }
  }
  const text = (w: number, from: number, to: number) =>
    tokenizer.decode(windows.tokens.subarray(w * T + Math.max(0, from), w * T + Math.min(T, to)));
  const before = options.before ?? 40;
  const after = options.after ?? 8;
  return groups.map((g) => {
    const [own, ...others] = g.lists.map((list) => list.at.map((q) => windows.domainOf[Math.floor(q / T)]!));
    const domainEntropy = entropy(own!);
    return {
      layer: g.set.layer,
      cluster: g.set.cluster,
      contexts: g.lists[0]!.at.map((q, i) => {
        const w = Math.floor(q / T);
        const p = q % T;
        return {
          activation: g.lists[0]!.values[i]!,
          domain: windows.domains[windows.domainOf[w]!]!,
          window: w,
          position: p,
          before: text(w, p - before, p),
          token: text(w, p, p + 1),
          after: text(w, p + 1, p + 1 + after),
        };
      }),
      domainEntropy,
      domainEntropyP: empiricalP(domainEntropy, others.map(entropy), 'left'),
    };
  });
}
