import { InvalidArgumentError, ShapeMismatchError, type Network } from '@modscope/core';
import { weightedById, weightLinks } from './weight-links.js';

/** Weights held at zero during training (e.g. after module pruning, method §6). */
export interface LayerMask {
  /** Id of a dense or conv2d layer. */
  layer: string;
  /** 0/1 per kernel entry (the kernel's length and order): entries with 0 are held at zero. */
  kernel?: ArrayLike<number>;
  /** 0/1 per unit (output channel): a 0 holds the unit's incoming weights, bias and outgoing weights at zero. */
  units?: ArrayLike<number>;
}

/** Per layer, the 0/1 masks of kernel and bias that training holds (null where nothing is held). */
export type HeldMasks = Map<string, { kernel: Float32Array | null; bias: Float32Array | null }>;

const pkg = '@modscope/train';

function zeroOutputColumn(kernel: Float32Array, units: number, j: number): void {
  for (let i = j; i < kernel.length; i += units) kernel[i] = 0;
}

/** Zeros every kernel entry reading input row (dense) or input channel (conv) `r`. */
function zeroInputRow(kernel: Float32Array, kind: 'dense' | 'conv2d', shape: readonly number[], r: number): void {
  if (kind === 'dense') {
    const out = shape[1]!;
    kernel.fill(0, r * out, (r + 1) * out);
    return;
  }
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  for (let p = 0; p < kh * kw; p++) kernel.fill(0, (p * cin + r) * cout, (p * cin + r + 1) * cout);
}

/**
 * Expands the caller's kernel and unit masks into per-layer kernel and bias masks. Unit masks follow the
 * unit's outgoing weights into the next weighted layer (through activations, pooling and flatten).
 */
export function resolveMasks(network: Network, masks: readonly LayerMask[]): HeldMasks {
  const byId = weightedById(network);
  const out: HeldMasks = new Map();
  const entry = (id: string) => {
    let e = out.get(id);
    if (!e) {
      e = { kernel: null, bias: null };
      out.set(id, e);
    }
    return e;
  };
  const kernelOf = (id: string) => {
    const e = entry(id);
    e.kernel ??= new Float32Array(byId.get(id)!.kernel.length).fill(1);
    return e.kernel;
  };
  const needsLinks = masks.some((m) => m.units !== undefined);
  const links = needsLinks ? weightLinks(network, 'a unit mask') : [];
  for (const mask of masks) {
    const layer = byId.get(mask.layer);
    if (!layer) {
      throw new InvalidArgumentError({
        argument: 'masks',
        message: `${pkg}: a mask names layer '${mask.layer}', which is not a dense or conv2d layer of '${network.name}'.`,
        hint: `Use one of: ${[...byId.keys()].join(', ')}.`,
      });
    }
    if (mask.kernel !== undefined) {
      if (mask.kernel.length !== layer.kernel.length)
        throw new ShapeMismatchError({
          what: `kernel mask of layer '${layer.id}'`,
          expected: layer.kernelShape,
          actual: [mask.kernel.length],
        });
      const k = kernelOf(layer.id);
      for (let i = 0; i < k.length; i++) if (mask.kernel[i] === 0) k[i] = 0;
    }
    if (mask.units !== undefined) {
      if (mask.units.length !== layer.units)
        throw new ShapeMismatchError({ what: `unit mask of layer '${layer.id}'`, expected: [layer.units], actual: [mask.units.length] });
      for (let j = 0; j < layer.units; j++) {
        if (mask.units[j] !== 0) continue;
        zeroOutputColumn(kernelOf(layer.id), layer.units, j);
        if (layer.bias) {
          const e = entry(layer.id);
          e.bias ??= new Float32Array(layer.units).fill(1);
          e.bias[j] = 0;
        }
        for (const link of links) {
          if (link.source !== layer.id) continue;
          const next = byId.get(link.layer)!;
          const k = kernelOf(next.id);
          for (let r = 0; r < link.rows.length; r++) if (link.rows[r] === j) zeroInputRow(k, next.kind, next.kernelShape, r);
        }
      }
    }
  }
  return out;
}
