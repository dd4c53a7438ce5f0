import { describe, expect, it } from 'vitest';
import * as api from './index.js';
import * as testing from './testing/index.js';

describe('@modscope/core', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CorruptFileError',
        'InvalidArgumentError',
        'MissingFileError',
        'ModscopeError',
        'NoHandlerError',
        'PluginError',
        'SUBCLUSTER_DEFAULTS',
        'ShapeMismatchError',
        'UnsupportedOpError',
        'argmax',
        'captureUnitActivations',
        'checkEvaluateRequest',
        'checkLesionRequest',
        'classificationReport',
        'cloneNetwork',
        'createLazyLoader',
        'createLoaderRegistry',
        'createRandom',
        'getLayer',
        'getUnitLayer',
        'inputLayer',
        'inputSize',
        'isLanguageModel',
        'languageModelNetwork',
        'isWeighted',
        'labelledExamples',
        'lesionMask',
        'lesionPoint',
        'outputSize',
        'parameterCount',
        'prepareInputs',
        'runLesions',
        'shapeSize',
        'sliceDataset',
        'sparsity',
        'subclusters',
        'takeExamples',
        'transformerView',
        'blockMlpNetwork',
        'unitLayers',
        'validateNetwork',
        'weightedLayers',
      ].sort(),
    );
  });

  it('exports exactly its testing API from @modscope/core/testing', () => {
    expect(Object.keys(testing).sort()).toEqual(
      [
        'ConformanceFailure',
        'adjustedRandIndex',
        'check',
        'checkClose',
        'checkRejects',
        'environmentConformanceCases',
        'evaluatorConformanceCases',
        'graphFromEdges',
        'loaderConformanceCases',
        'maxAbsDifference',
        'methodExample',
        'metricConformanceCases',
        'modularMlp',
        'partitionerConformanceCases',
        'plantedPartitionGraph',
        'referenceEvaluator',
        'referenceForward',
        'tinyCnn',
        'tinyMlp',
        'tinyLanguageModel',
        'tinyResidualCnn',
      ].sort(),
    );
  });
});
