import * as tf from '@tensorflow/tfjs';
import { ModscopeCausalSelfAttention } from './causal-self-attention-layer.js';
import { ModscopeGeluTanh } from './gelu-tanh-layer.js';
import { ModscopeTokenPositionEmbedding } from './token-position-embedding-layer.js';

/** The custom tfjs layer classes a model.json written by modscope may name. */
const modscopeLayerClasses = [ModscopeTokenPositionEmbedding, ModscopeCausalSelfAttention, ModscopeGeluTanh] as const;

/**
 * Registers modscope's custom layer classes with tfjs's serialization, so `tf.loadLayersModel` can build a
 * model saved by `saveTfjsModel` that uses them (language models, GPT-2's tanh GELU). Call it before loading; calling it again does nothing more.
 * (Registration is explicit: importing this package registers nothing.)
 */
export function registerModscopeLayers(): void {
  for (const cls of modscopeLayerClasses) tf.serialization.registerClass(cls);
}
