import type * as Ort from 'onnxruntime-node';

let runtime: Promise<typeof Ort> | undefined;

/**
 * onnxruntime-node, imported with its native library when the first session is made rather than when
 * the loader is: reading a model's network needs only the protobuf (`modscope inspect` never loads it).
 */
export function loadOnnxRuntime(): Promise<typeof Ort> {
  runtime ??= import('onnxruntime-node');
  return runtime;
}
