import { toNumber, type AttributeProto, type NodeProto } from './onnx-proto.js';

/** Typed access to a node's attributes, with defaults. */
export interface NodeAttributes {
  int(name: string, fallback: number): number;
  float(name: string, fallback: number): number;
  string(name: string, fallback: string): string;
  ints(name: string): number[] | undefined;
  has(name: string): boolean;
}

export function nodeAttributes(node: NodeProto): NodeAttributes {
  const byName = new Map<string, AttributeProto>(node.attribute.map((a) => [a.name, a]));
  return {
    int: (name, fallback) => {
      const a = byName.get(name);
      return a && a.i !== undefined && a.i !== null ? toNumber(a.i) : fallback;
    },
    float: (name, fallback) => {
      const a = byName.get(name);
      return a && typeof a.f === 'number' ? a.f : fallback;
    },
    string: (name, fallback) => {
      const a = byName.get(name);
      return a?.s && a.s.length > 0 ? new TextDecoder().decode(a.s) : fallback;
    },
    ints: (name) => {
      const a = byName.get(name);
      return a?.ints && a.ints.length > 0 ? a.ints.map((v) => toNumber(v)) : undefined;
    },
    has: (name) => byName.has(name),
  };
}
