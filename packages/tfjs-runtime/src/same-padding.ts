/**
 * The explicit `[top, left, bottom, right]` zero padding that tfjs (and TensorFlow) `padding: 'same'`
 * applies for a window: output size `ceil(in / stride)`, extra padding at the bottom and right.
 */
export function samePadding(
  inSize: readonly [number, number],
  window: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number] = [1, 1],
): [number, number, number, number] {
  const total = [0, 1].map((a) => {
    const out = Math.ceil(inSize[a]! / strides[a]!);
    const span = (window[a]! - 1) * dilations[a]! + 1;
    return Math.max((out - 1) * strides[a]! + span - inSize[a]!, 0);
  }) as [number, number];
  const top = Math.floor(total[0] / 2);
  const left = Math.floor(total[1] / 2);
  return [top, left, total[0] - top, total[1] - left];
}

/** Output size of a window sliding over `in + pads` (floor mode). */
export function windowOutputSize(
  inSize: number,
  window: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation = 1,
): number {
  return Math.floor((inSize + padBefore + padAfter - ((window - 1) * dilation + 1)) / stride) + 1;
}

export function samePads(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
