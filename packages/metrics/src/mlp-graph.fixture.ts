import type { DenseLayer } from '@modscope/core';
import { graphFromEdges, methodExample } from '@modscope/core/testing';

/** Test fixture: the method's weight graph of an MLP (§1), built by hand: units numbered layer by layer, |w| edges. */
export function mlpGraph(which: 1 | 2) {
  const { network, labels, expectedNcut } = methodExample(which);
  const dense = network.layers.filter((l): l is DenseLayer => l.kind === 'dense');
  const edges: [number, number, number][] = [];
  let offset = 0;
  for (const layer of dense) {
    const [fanIn, fanOut] = layer.kernelShape;
    for (let i = 0; i < fanIn; i++)
      for (let j = 0; j < fanOut; j++) {
        const w = Math.abs(layer.kernel[i * fanOut + j]!);
        if (w > 0) edges.push([offset + i, offset + fanIn + j, w]);
      }
    offset += fanIn;
  }
  return { graph: graphFromEdges(offset + dense.at(-1)!.kernelShape[1], edges), edges, labels, expectedNcut };
}
