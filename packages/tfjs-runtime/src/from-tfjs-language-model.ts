import type * as tf from '@tensorflow/tfjs';
import { UnsupportedOpError, type Layer, type Network } from '@modscope/core';
import { coreActivation, tfjsActivationNames } from './activation-layers.js';
import { ModscopeCausalSelfAttention } from './causal-self-attention-layer.js';
import type { FromTfjsModelOptions } from './from-tfjs-model-options.js';
import { ModscopeGeluTanh } from './gelu-tanh-layer.js';
import { layerWeights } from './layer-weights.js';
import type { LanguageModelMetadata } from './to-tfjs-language-model.js';
import { ModscopeTokenPositionEmbedding } from './token-position-embedding-layer.js';

type TfLayer = tf.layers.Layer;
type Shape = (number | null)[];

const format = 'TF.js';

function unsupported(op: string, layer: TfLayer, hint?: string): UnsupportedOpError {
  return new UnsupportedOpError({ op, node: layer.name, format, ...(hint ? { hint } : {}) });
}

/** Whether a LayersModel is a language model: one whose token ids feed modscope's embedding layer. */
export function isTfjsLanguageModel(model: tf.LayersModel): boolean {
  return model.layers.some((l) => l.getClassName() === ModscopeTokenPositionEmbedding.className);
}

/** The Dense layer names whose kernels are tied to an embedding, from the model's metadata. */
function tiedUnembeddings(model: tf.LayersModel): Record<string, string> {
  const metadata = model.getUserDefinedMetadata() as { modscope?: Partial<LanguageModelMetadata> } | undefined;
  const tied = metadata?.modscope?.tiedUnembeddings;
  return typeof tied === 'object' && tied !== null ? tied : {};
}

/**
 * `fromTfjsModel` for a language model (see `toTfjsModel`): layout `sequence`, an input of `[context]`
 * token ids, then embedding, layernorm, attention, dense (a fused activation split off as in
 * `fromTfjsModel`), activation, softmax, add and identity layers with `[context, features]` outputs.
 */
export function fromTfjsLanguageModel(model: tf.LayersModel, options: FromTfjsModelOptions = {}): Network {
  const inputTfLayer = model.inputs[0]!.sourceLayer as TfLayer;
  const embeddings = model.layers.filter((l) => l.getClassName() === ModscopeTokenPositionEmbedding.className);
  if (embeddings.length !== 1) {
    throw unsupported(
      `a language model with ${embeddings.length} embeddings`,
      embeddings[1] ?? inputTfLayer,
      'modscope reads language models whose one input of token ids feeds one ModscopeTokenPositionEmbedding.',
    );
  }
  const inputLength = (model.inputs[0]!.shape as Shape)[1];
  const context = inputLength ?? (embeddings[0]!.getConfig() as { context: number }).context;
  const tied = tiedUnembeddings(model);

  const layers: Layer[] = [];
  const alias = new Map<string, string>();
  const ids = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let i = 2; ids.has(id); i++) id = `${base}_${i}`;
    ids.add(id);
    return id;
  };
  const inputId = uniqueId(inputTfLayer.name);
  layers.push({ kind: 'input', id: inputId, name: inputTfLayer.name, inputs: [], units: context, outputShape: [context] });
  alias.set(inputTfLayer.name, inputId);

  for (const tfLayer of model.layers) {
    if (tfLayer === inputTfLayer) continue;
    const className = tfLayer.getClassName();
    if (tfLayer.inboundNodes.length !== 1) {
      throw unsupported(
        `${className} shared by ${tfLayer.inboundNodes.length} call sites`,
        tfLayer,
        'modscope needs every layer applied once; re-export the model without shared layers.',
      );
    }
    const inputs = tfLayer.inboundNodes[0]!.inboundLayers.map((l) => {
      const id = alias.get(l.name);
      if (id === undefined) throw unsupported(`${className} reading '${l.name}', which is not part of the model`, tfLayer);
      return id;
    });
    const config = tfLayer.getConfig() as Record<string, unknown>;
    const outShape = tfLayer.outputShape as Shape;
    const features = outShape[outShape.length - 1];
    if (outShape.length !== 3 || features === null || features === undefined) {
      throw unsupported(
        `${className} with output [${outShape.join(', ')}] in a language model`,
        tfLayer,
        'Every layer after the embedding of a language model gives [batch, positions, features] with known features.',
      );
    }
    const base = { id: uniqueId(tfLayer.name), name: tfLayer.name, inputs, units: features, outputShape: [context, features] };
    const w = layerWeights(tfLayer);
    let valueId = base.id;
    switch (className) {
      case ModscopeTokenPositionEmbedding.className: {
        if (inputs[0] !== inputId) throw unsupported(`${className} reading '${inputs[0]}', not the token ids`, tfLayer);
        layers.push({
          kind: 'embedding',
          ...base,
          tokens: w.get('tokens')!,
          vocabulary: config.vocabulary as number,
          positions: w.get('positions')?.slice(0, context * features) ?? null,
        });
        break;
      }
      case 'LayerNormalization': {
        const axis = config.axis as number | number[] | undefined;
        const axes = Array.isArray(axis) ? axis : [axis ?? -1];
        if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== 2))
          throw unsupported(`LayerNormalization over axes [${axes.join(', ')}]`, tfLayer, 'modscope normalizes the last axis.');
        layers.push({
          kind: 'layernorm',
          ...base,
          gamma: w.get('gamma') ?? new Float32Array(features).fill(1),
          beta: w.get('beta') ?? new Float32Array(features),
          epsilon: (config.epsilon as number | undefined) ?? 1e-3,
        });
        break;
      }
      case ModscopeCausalSelfAttention.className: {
        const heads = config.heads as number;
        layers.push({
          kind: 'attention',
          ...base,
          units: heads,
          heads,
          headSize: config.headSize as number,
          scale: config.scale as number,
          query: w.get('query_kernel')!,
          key: w.get('key_kernel')!,
          value: w.get('value_kernel')!,
          queryBias: w.get('query_bias') ?? null,
          keyBias: w.get('key_bias') ?? null,
          valueBias: w.get('value_bias') ?? null,
        });
        break;
      }
      case 'Dense': {
        const kernel = w.get('kernel')!;
        const tiedTo = tied[tfLayer.name] === undefined ? undefined : alias.get(tied[tfLayer.name]!);
        layers.push({
          kind: 'dense',
          ...base,
          kernel,
          kernelShape: [kernel.length / features, features],
          bias: w.get('bias') ?? null,
          ...(tiedTo !== undefined ? { tiedTo } : {}),
        });
        const activation = (config.activation as string | undefined) ?? 'linear';
        if (activation !== 'linear') {
          const kind = coreActivation(activation);
          if (!kind)
            throw unsupported(
              `Dense activation '${activation}'`,
              tfLayer,
              `modscope supports ${tfjsActivationNames.join(', ')} activations.`,
            );
          const act = { ...base, id: uniqueId(`${tfLayer.name}/${activation}`), name: `${tfLayer.name}/${activation}`, inputs: [base.id] };
          layers.push(kind === 'softmax' ? { kind: 'softmax', ...act } : { kind: 'activation', ...act, activation: kind });
          valueId = act.id;
        }
        break;
      }
      case 'Activation': {
        const name = config.activation as string;
        const kind = coreActivation(name);
        if (!kind) throw unsupported(`Activation '${name}'`, tfLayer, `modscope supports ${tfjsActivationNames.join(', ')} activations.`);
        layers.push(kind === 'softmax' ? { kind: 'softmax', ...base } : { kind: 'activation', ...base, activation: kind });
        break;
      }
      case ModscopeGeluTanh.className:
        layers.push({ kind: 'activation', ...base, activation: 'gelu-tanh' });
        break;
      case 'ReLU':
        if (config.maxValue !== undefined && config.maxValue !== null)
          throw unsupported('ReLU with maxValue', tfLayer, 'modscope supports plain ReLU; remove maxValue (ReLU6) or open an issue.');
        layers.push({ kind: 'activation', ...base, activation: 'relu' });
        break;
      case 'LeakyReLU':
        layers.push({ kind: 'activation', ...base, activation: 'leaky-relu', alpha: (config.alpha as number | undefined) ?? 0.3 });
        break;
      case 'Softmax': {
        const axis = (config.axis as number | undefined) ?? -1;
        if (axis !== -1 && axis !== 2)
          throw unsupported(`Softmax over axis ${axis}`, tfLayer, 'modscope takes softmax over the last axis.');
        layers.push({ kind: 'softmax', ...base });
        break;
      }
      case 'Add':
        layers.push({ kind: 'add', ...base });
        break;
      case 'Dropout':
        layers.push({ kind: 'identity', ...base, origin: 'dropout', ...(typeof config.rate === 'number' ? { rate: config.rate } : {}) });
        break;
      default:
        throw unsupported(
          `${className} in a language model`,
          tfLayer,
          'modscope reads language models built by toTfjsModel: ModscopeTokenPositionEmbedding, LayerNormalization, ModscopeCausalSelfAttention, Dense, Activation, Add and Dropout layers.',
        );
    }
    alias.set(tfLayer.name, valueId);
  }
  return {
    specificationVersion: 'v1',
    name: options.name ?? model.name,
    layout: 'sequence',
    layers,
    output: alias.get((model.outputs[0]!.sourceLayer as TfLayer).name)!,
    source: { format: 'tfjs-layers', ...(options.path ? { path: options.path } : {}) },
  };
}
