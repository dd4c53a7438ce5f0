import { inputLayer, parameterCount, sparsity, isWeighted, type Layer, type LoadedModel } from '@modscope/core';
import { loadModel } from '../loaders.js';
import { print, printJson, table, thousands } from '../output.js';

interface ModelSummary {
  name: string;
  format: string;
  path?: string;
  layout: string;
  input: { shape: number[] };
  output: { layer: string; shape: number[] };
  parameters: number;
  layers: Array<{
    id: string;
    name: string;
    kind: Layer['kind'];
    detail: string;
    outputShape: number[];
    units: number;
    parameters: number;
    sparsity: number | null;
  }>;
}

function detail(layer: Layer): string {
  switch (layer.kind) {
    case 'dense':
      return `${layer.kernelShape[0]}→${layer.kernelShape[1]}${layer.tiedTo ? `, tied to ${layer.tiedTo}` : ''}`;
    case 'embedding':
      return `vocabulary ${layer.vocabulary}${layer.positions ? ', learned positions' : ''}`;
    case 'layernorm':
      return `ε ${layer.epsilon.toExponential(0)}`;
    case 'attention':
      return `${layer.heads} heads × ${layer.headSize}, causal`;
    case 'conv2d':
      return `${layer.kernelShape[0]}×${layer.kernelShape[1]} ${layer.kernelShape[2] * layer.groups}→${layer.kernelShape[3]}${layer.strides.some((s) => s !== 1) ? ` stride ${layer.strides.join('×')}` : ''}`;
    case 'activation':
      return layer.activation;
    case 'pool':
      return layer.global ? `global ${layer.mode}` : `${layer.mode} ${layer.size.join('×')}`;
    case 'identity':
      return layer.origin;
    case 'add':
      return layer.inputs.join(' + ');
    default:
      return '';
  }
}

function summarize(model: LoadedModel): ModelSummary {
  const { network } = model;
  const layers = network.layers.map((layer) => ({
    id: layer.id,
    name: layer.name,
    kind: layer.kind,
    detail: detail(layer),
    outputShape: layer.outputShape,
    units: layer.units,
    parameters: parameterCount(layer),
    sparsity: isWeighted(layer) ? sparsity(layer) : null,
  }));
  const out = network.layers.find((l) => l.id === network.output)!;
  return {
    name: network.name,
    format: model.format,
    ...(network.source?.path ? { path: network.source.path } : {}),
    layout: network.layout,
    input: { shape: inputLayer(network).outputShape },
    output: { layer: out.id, shape: out.outputShape },
    parameters: layers.reduce((s, l) => s + l.parameters, 0),
    layers,
  };
}

function printSummary(s: ModelSummary): void {
  print(`${s.name}  (${s.format}, layout ${s.layout})`);
  print(
    `input [${s.input.shape.join(', ')}] → output '${s.output.layer}' [${s.output.shape.join(', ')}], ${thousands(s.parameters)} parameters`,
  );
  print();
  print(
    table(
      ['layer', 'kind', 'detail', 'output', 'units', 'params', 'sparsity'],
      s.layers.map((l) => [
        // a language model's layers by their ids (block0.mlp.in, …), which analyses name; others by their source names
        s.layout === 'sequence' ? l.id : l.name,
        l.kind,
        l.detail,
        `[${l.outputShape.join(', ')}]`,
        l.units,
        l.parameters,
        l.sparsity === null ? '' : `${(100 * l.sparsity).toFixed(1)}%`,
      ]),
    ),
  );
}

export async function inspectCommand(path: string, options: { json?: boolean }): Promise<void> {
  const summary = summarize(await loadModel(path));
  if (options.json) printJson(summary);
  else printSummary(summary);
}
