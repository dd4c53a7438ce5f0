import { cloneNetwork, getLayer, UnsupportedOpError, type Layer, type Network } from '@modscope/core';

/** `[h, w, c]` → `[c, h, w]`; other ranks unchanged. */
function chw(shape: readonly number[]): number[] {
  return shape.length === 3 ? [shape[2]!, shape[0]!, shape[1]!] : [...shape];
}

function unsupported(layer: Layer, op: string): UnsupportedOpError {
  return new UnsupportedOpError({
    op,
    node: layer.id,
    format: 'modscope network',
    hint: '@modscope/training-run converts nhwc networks to nchw through flatten layers only; export the network as TF.js instead.',
  });
}

/**
 * The same function laid out channels-first (`nchw`), as ONNX wants it: spatial shapes become
 * `[c, h, w]`, and the dense layer after each flatten gets its kernel rows reordered from (h, w, c) to
 * (c, h, w) order. Kernels (HWIO), pads and pools need no change. `flat` and `nchw` networks come back as
 * copies. Images fed to the result must be channels-first too (`prepareInputs` does that).
 */
export function toChannelsFirst(network: Network): Network {
  const out = cloneNetwork(network);
  if (network.layout !== 'nhwc') return out;
  const byId = new Map(out.layers.map((l) => [l.id, l]));
  const consumers = new Map<string, Layer[]>();
  for (const layer of out.layers) for (const input of layer.inputs) consumers.set(input, [...(consumers.get(input) ?? []), layer]);
  for (const layer of out.layers) {
    if (layer.kind === 'reshape' && (layer.outputShape.length === 3 || getLayer(network, layer.inputs[0]!).outputShape.length === 3)) {
      throw unsupported(layer, 'a reshape to or from an image shape');
    }
    if (layer.kind !== 'flatten') continue;
    const from = byId.get(layer.inputs[0]!)!.outputShape;
    if (from.length !== 3) continue;
    if (layer.id === out.output) throw unsupported(layer, 'a flattened image as the output');
    const [h, w, c] = from as [number, number, number];
    // every dense layer reading this flatten (through unit-wise layers) gets its rows reordered
    const stack = [...(consumers.get(layer.id) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next.kind === 'dense') {
        const cols = next.kernelShape[1];
        const kernel = new Float32Array(next.kernel.length);
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++)
            for (let ch = 0; ch < c; ch++) {
              const old = (y * w + x) * c + ch;
              const row = (ch * h + y) * w + x;
              kernel.set(next.kernel.subarray(old * cols, (old + 1) * cols), row * cols);
            }
        next.kernel = kernel;
      } else if ((next.kind === 'activation' || next.kind === 'identity') && next.id !== out.output) {
        stack.push(...(consumers.get(next.id) ?? []));
      } else {
        throw unsupported(next, `a ${next.kind} layer reading a flattened image`);
      }
    }
  }
  for (const layer of out.layers) layer.outputShape = chw(layer.outputShape);
  return { ...out, layout: 'nchw' };
}
