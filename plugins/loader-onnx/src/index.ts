export { createOnnxLoader, onnxLoader, type OnnxLoaderOptions } from './onnx-loader.js';
export { createOnnxEvaluator, type OnnxEvaluatorOptions, type OnnxEvaluatorSource } from './onnx-evaluator.js';
export { networkToOnnx, type NetworkToOnnxOptions } from './network-to-onnx.js';
export { decodeOnnxModel, encodeOnnxModel } from './decode-onnx-model.js';
export { onnxToNetwork, type OnnxImportOptions } from './onnx-to-network.js';
export type { BoundModel, LayerBinding } from './model-binding.js';
export type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from './onnx-proto.js';
