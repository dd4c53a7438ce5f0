import { CorruptFileError, InvalidArgumentError, ModscopeError } from '@modscope/core';
import { parseResult } from '@modscope/results';
import { describe, expect, it } from 'vitest';
import { checkResult } from './check-result.js';
import {
  sampleAgentExcise,
  sampleAgentLesion,
  sampleCluster,
  sampleCompare,
  sampleExcise,
  sampleExciseRun,
  sampleLesion,
} from './sample-results.js';

const failure = (value: unknown, source = 'run/lesion.json') => {
  try {
    checkResult(value, source);
  } catch (error) {
    expect(ModscopeError.isInstance(error)).toBe(true);
    return error as ModscopeError;
  }
  throw new Error('expected checkResult to throw');
};

describe('checkResult', () => {
  it('reads every kind the CLI writes, null statistics as NaN', () => {
    expect(checkResult(sampleCluster(), 'c.json').result.kind).toBe('modscope/cluster');
    expect(checkResult(sampleLesion(), 'l.json').result.kind).toBe('modscope/lesion');
    expect(checkResult(sampleCompare(), 'cmp.json').result.kind).toBe('modscope/compare');
    expect(checkResult(sampleExcise(), 'e.json').result.kind).toBe('modscope/excise');
    expect(checkResult(sampleAgentExcise(), 'ae.json').result.kind).toBe('modscope/agent-excise');
    expect(checkResult(sampleAgentLesion(), 'al.json').result.kind).toBe('modscope/agent-lesion');
    const cluster = checkResult(sampleCluster(), 'c.json').result as { nulls: Record<string, { z: number }> };
    expect(cluster.nulls['layer-nonzero']!.z).toBeNaN();
  });

  it('takes samples that are valid results of @modscope/results, every field of them known to its schemas', () => {
    for (const sample of [
      sampleCluster(),
      sampleLesion(),
      sampleCompare(),
      sampleExcise(),
      sampleExciseRun(),
      sampleAgentExcise(),
      sampleAgentLesion(),
    ])
      expect(parseResult(sample)).toEqual(sample);
  });

  it('refuses a kind it does not draw, a train result', () => {
    const error = failure({ kind: 'modscope/train', version: 1 }, 'run/train.json');
    expect(error.message).toMatch(
      /^run\/train\.json is not a valid modscope result file: it is a train result \('modscope\/train'\), not a cluster, lesion, text-lesion, agent-lesion, compare, text-compare, excise, text-excise or agent-excise result\. Leave it out: this report reads cluster, lesion, text-lesion, agent-lesion, compare, text-compare, excise, text-excise or agent-excise results\./,
    );
  });

  it('names the file and the version when the result is newer than the report', () => {
    const error = failure({ ...sampleLesion(), version: 7 });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toBe(
      '@modscope/report: run/lesion.json: lesion result version 7 is newer than this report supports (1). Update @modscope/report (and modscope) to the version that wrote it.',
    );
  });

  it('says how to rewrite a result older than the report reads', () => {
    const error = failure({ ...sampleCompare(), version: 0 }, 'cmp.json');
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(
      /^@modscope\/report: cmp\.json: compare result version 0 is older than this report supports \(1\)\. Run 'modscope compare/,
    );
  });

  it('recognizes an unversioned cluster result from before kinds existed', () => {
    const { kind: _kind, version: _version, ...legacy } = sampleCluster();
    const error = failure(legacy, 'old/cluster.json');
    expect(error).toBeInstanceOf(CorruptFileError);
    expect(error.message).toMatch(
      /^old\/cluster\.json is not a valid modscope result file: it has no 'kind'; it is a 'modscope cluster --json' result from before results were versioned\. Run 'modscope cluster/,
    );
  });

  it('refuses foreign, unknown and malformed files with the field at fault', () => {
    expect(failure([1, 2]).message).toMatch(
      /run\/lesion\.json is not a valid modscope result file: it holds an array, not a results object/,
    );
    expect(failure({ hello: 'world' }).message).toMatch(/it has no 'kind' naming the command that wrote it/);
    expect(failure({ kind: 'modscope/teleport', version: 1 }).message).toMatch(
      /its kind 'modscope\/teleport' is not one this report knows \(modscope\/cluster, modscope\/lesion, modscope\/text-lesion, modscope\/agent-lesion, modscope\/compare, modscope\/text-compare, modscope\/excise, modscope\/text-excise, modscope\/agent-excise\)\. It may come from a newer modscope/,
    );
    expect(failure({ kind: 'modscope/lesion' }).message).toMatch(/its version is missing, expected an integer/);
    const lesion = sampleLesion();
    lesion.subclusters[1]!.drop = [0.1, 0.2];
    const short = failure(lesion);
    expect(short).toBeInstanceOf(CorruptFileError);
    expect(short.message).toMatch(
      /^run\/lesion\.json is not a valid modscope lesion result \(version 1\) file: subclusters\[1\]\.drop has 2 entries, expected 3\. Write it with 'modscope lesion/,
    );
    const cluster = sampleCluster();
    cluster.drawing.edges[2] = [0, 0, 1, 9, 0.2];
    expect(failure(cluster, 'c.json').message).toMatch(/drawing\.edges\[2\] refers to unit 9 of layer 1/);
    expect(failure({ ...sampleCluster(), ncut: 'low' }, 'c.json').message).toMatch(/ncut is a string \("low"\), expected a number/);
    expect(failure({ ...sampleCompare(), overall: undefined }, 'cmp.json').message).toMatch(/overall is missing, expected an object/);
    expect(failure({ ...sampleExcise(), methods: [] }, 'e.json').message).toMatch(/methods is empty/);
  });
});
