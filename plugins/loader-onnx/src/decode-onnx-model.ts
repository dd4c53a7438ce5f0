import { CorruptFileError } from '@modscope/core';
import { PbfReader, PbfWriter } from 'pbf';
import type { ModelProto } from './onnx-proto.js';
import { readModelProto, writeModelProto } from './schema/onnx-pbf.js';

/**
 * Decodes the bytes of an `.onnx` file into a `ModelProto`. Throws a `CorruptFileError` when the bytes are
 * not a protobuf ModelProto or hold no graph with nodes (`path` only names the file in the message).
 */
export function decodeOnnxModel(bytes: Uint8Array, path = '<bytes>'): ModelProto {
  let model: ModelProto;
  const corrupt = (reason: string, cause?: unknown) => new CorruptFileError({ path, format: 'ONNX', reason, cause });
  // pbf reads past the end of its bytes without a word (as undefined, which fails later or reads as zeros). Its
  // position only grows, so a field or message that claims more bytes than the file holds leaves it past the end.
  const reader = new PbfReader(bytes);
  const truncated = () => corrupt('protobuf decoding failed (the file ends inside a field)');
  try {
    model = readModelProto(reader) as ModelProto;
  } catch (cause) {
    // a fixed-size read (float, double) at the very end throws a RangeError before it moves the position
    if (reader.pos > bytes.length || cause instanceof RangeError) throw truncated();
    throw corrupt(`protobuf decoding failed (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
  if (reader.pos !== bytes.length) throw truncated();
  if (!model.graph) throw corrupt('the ModelProto has no graph');
  if (model.graph.node.length === 0) throw corrupt('the graph has no nodes');
  return model;
}

/** Encodes a `ModelProto` (decoded or built as a plain object) to the bytes of an `.onnx` file. */
export function encodeOnnxModel(model: ModelProto): Uint8Array {
  const writer = new PbfWriter();
  writeModelProto(model as Parameters<typeof writeModelProto>[0], writer);
  return writer.finish();
}
