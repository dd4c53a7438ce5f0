import type { Random } from '@modscope/core';
import { byteMutation, HOSTILE_SIZES, pick } from './random-values.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path (keys and indices) to a value inside `value`, the root excluded. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    // long arrays (labels, values) are sampled at their ends, not walked whole
    const indices = value.length > 8 ? [0, 1, value.length - 1] : value.map((_, i) => i);
    for (const i of indices) {
      out.push([...prefix, i]);
      paths(value[i]!, [...prefix, i], out);
    }
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      out.push([...prefix, key]);
      paths(child, [...prefix, key], out);
    }
  }
  return out;
}

const HOSTILE_JSON: Json[] = [null, '', 'x', -1, 0, 1e308, 2 ** 31, 1.5, true, [], {}, [-1], ['a'], { kind: 'x' }];

/** A structural mutation of a JSON document: a value replaced, deleted or a key renamed. */
function mutateJson(random: Random, doc: Json): string {
  const all = paths(doc);
  if (all.length === 0) return 'nothing to change';
  const path = pick(random, all);
  const parent = path.slice(0, -1).reduce<Json>((v, k) => (v as Record<string, Json>)[k as string]!, doc) as Record<string, Json> & Json[];
  const key = path[path.length - 1]!;
  const where = path.join('.');
  switch (random.int(3)) {
    case 0: {
      const value = pick(random, HOSTILE_JSON);
      parent[key as string] = structuredClone(value);
      return `${where} = ${JSON.stringify(value)}`;
    }
    case 1:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      return `${where} deleted`;
    default:
      if (Array.isArray(parent)) {
        parent.push(structuredClone(parent[key as number]!));
        return `${where} appended again`;
      }
      parent[`${String(key)}_renamed`] = parent[key as string]!;
      delete parent[key as string];
      return `${where} renamed`;
  }
}

/** Text-level breakage of a JSON file: cut, BOM, trailing bytes, or another document entirely. */
function breakJsonText(random: Random, text: string): { name: string; text: string } {
  switch (random.int(4)) {
    case 0: {
      const at = random.int(text.length);
      return { name: `cut at ${at}`, text: text.slice(0, at) };
    }
    case 1:
      return { name: 'BOM', text: `\uFEFF${text}` };
    case 2:
      return { name: 'trailing bytes', text: `${text}\n}garbage` };
    default: {
      const other = pick(random, ['null', '[]', '{}', '""', '42', 'NaN', '{"a":']);
      return { name: `the document ${other}`, text: other };
    }
  }
}

/** A mutated JSON file (a results file, a TF.js model.json): mostly structural, sometimes broken text. */
export function mutateJsonFile(random: Random, text: string): { name: string; text: string } {
  if (random.int(4) === 0) return breakJsonText(random, text);
  const doc = JSON.parse(text) as Json;
  const steps = 1 + random.int(2);
  const names = Array.from({ length: steps }, () => mutateJson(random, doc));
  return { name: names.join('; '), text: JSON.stringify(doc) };
}

/** TF.js-specific manifest mutations: shapes, dtypes and shard paths (escapes included). */
export function mutateTfjsManifest(random: Random, text: string): { name: string; text: string } {
  const model = JSON.parse(text) as {
    weightsManifest: { paths: string[]; weights: { name: string; shape?: unknown; dtype?: string }[] }[];
  };
  const group = model.weightsManifest[0]!;
  const weight = pick(random, group.weights);
  let name: string;
  switch (random.int(4)) {
    case 0:
      weight.shape = pick(random, [undefined, [], [-1], [2 ** 31], ['a'], [1.5], [0, 0], HOSTILE_SIZES.slice(0, 3)]);
      name = `weight '${weight.name}': shape ${JSON.stringify(weight.shape)}`;
      break;
    case 1:
      weight.dtype = pick(random, ['string', 'int8', 'complex64', 'float64', '', 'int32']);
      name = `weight '${weight.name}': dtype ${weight.dtype}`;
      break;
    case 2:
      group.paths = [pick(random, ['../../../../../etc/passwd', '/etc/passwd', 'missing.bin', '', '.', '..', 'weights.bin/x'])];
      name = `paths ${JSON.stringify(group.paths)}`;
      break;
    default:
      group.weights.splice(group.weights.indexOf(weight), 1);
      name = `weight '${weight.name}' dropped from the manifest`;
  }
  return { name, text: JSON.stringify(model) };
}

/** A mutated IDX file: a header field (magic, type, rank, a dimension) or a byte-level mutation. */
export function mutateIdx(random: Random, bytes: Uint8Array): { name: string; bytes: Uint8Array } {
  if (random.int(2) === 0) return byteMutation(random, bytes);
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const rank = out[3]!;
  switch (random.int(3)) {
    case 0:
      out[2] = pick(random, [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0xff]);
      return { name: `type byte 0x${out[2]!.toString(16)}`, bytes: out };
    case 1:
      out[3] = pick(random, [0, 1, 2, 3, 4, 200]);
      return { name: `rank ${out[3]}`, bytes: out };
    default: {
      const axis = random.int(Math.max(1, rank));
      const value = pick(random, [0, 1, 27, 29, 0x7fffffff, 0xffffffff]);
      view.setUint32(4 + 4 * axis, value);
      return { name: `dim ${axis} = ${value}`, bytes: out };
    }
  }
}
