import type { ClusterView } from './cluster-view.js';

/** One transformer block of a residual-view weight graph: the indices of its node layers in the result. */
interface ResidualBlock {
  block: number;
  /** Its attention heads' layer (with `--attention`), or undefined. */
  heads: number | undefined;
  /** Its MLP neurons' layer, or undefined. */
  neurons: number | undefined;
}

/** The residual view (method §9) of a cluster result: the residual stream's layer, and the blocks in order. */
export interface ResidualLayout {
  bus: number;
  blocks: ResidualBlock[];
  attention: boolean;
}

const BLOCK_LAYER = /^block(\d+)\.(attention|mlp\.act)$/;

/**
 * The block structure of a residual-view cluster result: node layer `residual`, then `block{b}.attention`
 * and `block{b}.mlp.act` per block. Undefined for any other result, or one whose layers do not read so
 * (the report then draws it layer by layer).
 */
export function residualLayout(result: ClusterView): ResidualLayout | undefined {
  if (result.view?.view !== 'residual') return undefined;
  const bus = result.layers.findIndex((l) => l.id === 'residual');
  if (bus < 0) return undefined;
  const byBlock = new Map<number, ResidualBlock>();
  for (const [i, layer] of result.layers.entries()) {
    if (i === bus) continue;
    const match = BLOCK_LAYER.exec(layer.id);
    if (!match) return undefined;
    const block = Number(match[1]);
    const entry = byBlock.get(block) ?? { block, heads: undefined, neurons: undefined };
    const part = match[2] === 'attention' ? 'heads' : 'neurons';
    if (entry[part] !== undefined) return undefined;
    entry[part] = i;
    byBlock.set(block, entry);
  }
  if (byBlock.size === 0) return undefined;
  const blocks = [...byBlock.values()].sort((a, b) => a.block - b.block);
  return { bus, blocks, attention: blocks.some((b) => b.heads !== undefined) };
}

/** A short name of a residual-view layer, for narrow table headers: `resid`, `b0 heads`, `b0 mlp`. */
export function shortResidualLayer(id: string): string | undefined {
  if (id === 'residual') return 'resid';
  const match = BLOCK_LAYER.exec(id);
  if (!match) return undefined;
  return `b${match[1]} ${match[2] === 'attention' ? 'heads' : 'mlp'}`;
}
