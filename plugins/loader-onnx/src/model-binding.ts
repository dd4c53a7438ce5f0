import type { Network } from '@modscope/core';
import type { ModelProto } from './onnx-proto.js';

/** Where one network layer lives in an ONNX graph. */
export interface LayerBinding {
  /** Tensor that holds the layer's output (for a fused MatMul + Add, the Add's output). */
  output: string;
  /** Tensor the layer reads (its first activation input); the graph input for the input layer. */
  input: string;
  /** Indices in `graph.node` of the nodes that compute the layer, in order. */
  nodes: number[];
}

/** An ONNX model together with the network representation of it and the map between the two. */
export interface BoundModel {
  model: ModelProto;
  network: Network;
  /** Layer id → where the layer lives in `model.graph`. */
  layers: Map<string, LayerBinding>;
  inputName: string;
  outputName: string;
}
