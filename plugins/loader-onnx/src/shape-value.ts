import { nodeAttributes } from './node-attributes.js';
import type { NodeProto } from './onnx-proto.js';

/** Stands for the (dynamic) batch size inside shape values computed from `Shape`. */
export const BATCH = -2;

/** Ops that exporters use to compute `Reshape` targets from a tensor's shape, e.g. `x.view(x.size(0), -1)`. */
export const shapeOps = new Set(['Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Cast', 'Slice']);

/**
 * Evaluates one shape-computation node on known integer vectors. `value(name)` gives an input's values
 * (constant or shape value), `shapeOf(name)` an activation's `[BATCH, ...per-example shape]`. Returns
 * undefined when the node cannot be evaluated statically.
 */
export function evaluateShapeNode(
  node: NodeProto,
  value: (name: string) => number[] | undefined,
  shapeOf: (name: string) => number[] | undefined,
): number[] | undefined {
  const attrs = nodeAttributes(node);
  const [first = '', second = ''] = node.input;
  switch (node.op_type) {
    case 'Shape': {
      const shape = shapeOf(first);
      if (!shape) return undefined;
      const clamp = (i: number) => Math.max(0, Math.min(shape.length, i < 0 ? i + shape.length : i));
      return shape.slice(clamp(attrs.int('start', 0)), clamp(attrs.int('end', shape.length)));
    }
    case 'Gather': {
      const data = value(first);
      const indices = value(second);
      if (!data || !indices || attrs.int('axis', 0) !== 0) return undefined;
      const picked = indices.map((i) => data[i < 0 ? i + data.length : i]);
      return picked.every((v) => v !== undefined) ? (picked as number[]) : undefined;
    }
    case 'Unsqueeze':
    case 'Squeeze':
    case 'Cast':
      return value(first);
    case 'Concat': {
      const parts = node.input.map((name) => value(name));
      return parts.every((p) => p !== undefined) ? (parts as number[][]).flat() : undefined;
    }
    case 'Slice': {
      const data = value(first);
      const starts = attrs.ints('starts') ?? value(second);
      const ends = attrs.ints('ends') ?? value(node.input[2] ?? '');
      const steps = node.input[4] ? value(node.input[4]) : [1];
      if (!data || !starts || !ends || starts.length !== 1 || steps?.[0] !== 1) return undefined;
      const clamp = (i: number) => Math.max(0, Math.min(data.length, i < 0 ? i + data.length : i));
      return data.slice(clamp(starts[0]!), clamp(ends[0]!));
    }
    default:
      return undefined;
  }
}
