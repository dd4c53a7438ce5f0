import { CorruptFileError } from '@modscope/core';
import { modelProtoType, type ModelProto } from './onnx-proto.js';

/**
 * Decodes the bytes of an `.onnx` file into a `ModelProto`. Throws a `CorruptFileError` when the bytes are
 * not a protobuf ModelProto or hold no graph with nodes (`path` only names the file in the message).
 */
export function decodeOnnxModel(bytes: Uint8Array, path = '<bytes>'): ModelProto {
  let model: ModelProto;
  try {
    model = modelProtoType.decode(bytes) as unknown as ModelProto;
  } catch (cause) {
    throw new CorruptFileError({
      path,
      format: 'ONNX',
      reason: `protobuf decoding failed (${cause instanceof Error ? cause.message : String(cause)})`,
      cause,
    });
  }
  if (!model.graph) throw new CorruptFileError({ path, format: 'ONNX', reason: 'the ModelProto has no graph' });
  if (model.graph.node.length === 0) throw new CorruptFileError({ path, format: 'ONNX', reason: 'the graph has no nodes' });
  return model;
}

/** Encodes a `ModelProto` (decoded or built as a plain object) to the bytes of an `.onnx` file. */
export function encodeOnnxModel(model: ModelProto): Uint8Array {
  return modelProtoType.encode(model as unknown as Record<string, unknown>).finish();
}
