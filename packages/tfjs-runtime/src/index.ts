export { selectBackend, type BackendName, type BackendSelection, type SelectBackendOptions } from './select-backend.js';
export {
  forwardNetwork,
  uploadWeights,
  disposeWeights,
  matMulWithTransposedGradient,
  checkTfjsSupport,
  type ForwardHooks,
  type ForwardOptions,
  type LayerTensors,
  type NetworkWeights,
  type NormTensors,
  type ParameterTensors,
} from './forward-network.js';
export {
  convolve,
  convolveWithIm2colGradients,
  type ConvFunction,
  type ConvGeometry,
  type ConvSpec,
} from './conv2d-gradients.js';
export { registerWasmConvGradients } from './register-wasm-conv-gradients.js';
export { pool2d } from './pool-2d.js';
export { toTfjsModel } from './to-tfjs-model.js';
export { tfjsLayerName } from './tfjs-layer-name.js';
export { registerModscopeLayers } from './register-modscope-layers.js';
export { ModscopeTokenPositionEmbedding, type TokenPositionEmbeddingArgs } from './token-position-embedding-layer.js';
export { ModscopeCausalSelfAttention, type CausalSelfAttentionArgs } from './causal-self-attention-layer.js';
export { ModscopeGeluTanh } from './gelu-tanh-layer.js';
export type { LanguageModelMetadata } from './to-tfjs-language-model.js';
export { fromTfjsModel } from './from-tfjs-model.js';
export type { FromTfjsModelOptions } from './from-tfjs-model-options.js';
export { saveTfjsModel, type SavedTfjsModel } from './save-tfjs-model.js';
