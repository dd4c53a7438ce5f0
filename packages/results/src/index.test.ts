import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/results', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'AGENT_EXCISE_RESULT_KIND',
        'AGENT_EXCISE_RESULT_VERSION',
        'AGENT_LESION_RESULT_KIND',
        'AGENT_LESION_RESULT_VERSION',
        'agentLesionResultSchema',
        'AGENT_TRAIN_RESULT_KIND',
        'AGENT_TRAIN_RESULT_VERSION',
        'agentExciseResultSchema',
        'agentTrainResultSchema',
        'CLUSTER_RESULT_KIND',
        'CLUSTER_RESULT_VERSION',
        'COMPARE_RESULT_KIND',
        'COMPARE_RESULT_VERSION',
        'EXCISE_RESULT_KIND',
        'EXCISE_RESULT_VERSION',
        'LESION_RESULT_KIND',
        'LESION_RESULT_VERSION',
        'RESULT_KINDS',
        'TEXT_COMPARE_RESULT_KIND',
        'TEXT_COMPARE_RESULT_VERSION',
        'TEXT_EXCISE_RESULT_KIND',
        'TEXT_EXCISE_RESULT_VERSION',
        'TEXT_LESION_RESULT_KIND',
        'TEXT_LESION_RESULT_VERSION',
        'TEXT_TRAIN_RESULT_KIND',
        'TEXT_TRAIN_RESULT_VERSION',
        'TRAIN_RESULT_KIND',
        'TRAIN_RESULT_VERSION',
        'clusterResultSchema',
        'resultJsonText',
        'compareResultSchema',
        'exciseResultSchema',
        'lesionResultSchema',
        'parseResult',
        'readResultFile',
        'resultJsonSchema',
        'textCompareResultSchema',
        'textExciseResultSchema',
        'textLesionResultSchema',
        'textTrainResultSchema',
        'trainResultSchema',
      ].sort(),
    );
  });

  it('keeps the kind strings the files have always had, at their current versions', () => {
    expect(api.RESULT_KINDS.map((k) => `${k.kind}@${k.version}`)).toEqual([
      'modscope/cluster@1',
      'modscope/lesion@1',
      'modscope/text-lesion@1',
      'modscope/agent-lesion@1',
      'modscope/compare@1',
      'modscope/text-compare@1',
      'modscope/excise@2',
      'modscope/text-excise@1',
      'modscope/agent-excise@1',
      'modscope/train@2',
      'modscope/text-train@1',
      'modscope/agent-train@1',
    ]);
  });
});
