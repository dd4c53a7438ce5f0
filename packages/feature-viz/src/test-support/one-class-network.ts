import type { Network } from '@modscope/core';

/**
 * 4 inputs → 6 ReLU hidden units → 3 logits. Hidden units 0 and 1 (fed by inputs 0 and 1) push class 0
 * only; units 2–5 (fed by inputs 2 and 3) push every class equally, so they leave the softmax uniform.
 */
export function oneClassNetwork(): Network {
  const hidden = new Float32Array(4 * 6);
  const wire = (input: number, unit: number) => (hidden[input * 6 + unit] = 2);
  wire(0, 0);
  wire(1, 1);
  wire(2, 2);
  wire(2, 3);
  wire(3, 4);
  wire(3, 5);
  const out = new Float32Array(6 * 3);
  out[0 * 3 + 0] = 4;
  out[1 * 3 + 0] = 4;
  for (let unit = 2; unit < 6; unit++) out.fill(1, unit * 3, unit * 3 + 3);
  return {
    specificationVersion: 'v1',
    name: 'one-class',
    layout: 'flat',
    output: 'logits',
    layers: [
      { kind: 'input', id: 'input', name: 'input', inputs: [], units: 4, outputShape: [4] },
      {
        kind: 'dense',
        id: 'hidden',
        name: 'hidden',
        inputs: ['input'],
        units: 6,
        outputShape: [6],
        kernel: hidden,
        kernelShape: [4, 6],
        bias: new Float32Array(6),
      },
      { kind: 'activation', id: 'relu', name: 'relu', inputs: ['hidden'], units: 6, outputShape: [6], activation: 'relu' },
      {
        kind: 'dense',
        id: 'logits',
        name: 'logits',
        inputs: ['relu'],
        units: 3,
        outputShape: [3],
        kernel: out,
        kernelShape: [6, 3],
        bias: new Float32Array(3),
      },
    ],
  };
}
