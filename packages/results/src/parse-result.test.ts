import { CorruptFileError, InvalidArgumentError, ModscopeError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { parseResult, type ParseResultOptions } from './parse-result.js';
import {
  clusterExample,
  compareExample,
  exciseExample,
  lesionExample,
  textCompareExample,
  textExciseExample,
  textLesionExample,
  textTrainExample,
  trainExample,
} from './result-examples.js';
import type { ResultKind } from './result-kinds.js';

const failure = (value: unknown, options: ParseResultOptions<ResultKind> = { path: 'run/result.json' }) => {
  try {
    parseResult(value, options);
  } catch (error) {
    expect(ModscopeError.isInstance(error)).toBe(true);
    const e = error as ModscopeError;
    expect(e.message).not.toContain('\n');
    expect(e.hint).toBeTruthy();
    return e;
  }
  throw new Error('expected parseResult to throw');
};

describe('parseResult', () => {
  it('reads every kind as the commands write it, typed by its kind', () => {
    for (const example of [
      clusterExample(),
      lesionExample(),
      textLesionExample(),
      compareExample(),
      textCompareExample(),
      exciseExample(),
      textExciseExample(),
      trainExample(),
      textTrainExample(),
    ]) {
      expect(parseResult(example)).toEqual(example);
    }
    const cluster = parseResult(clusterExample(), { kinds: ['modscope/cluster'] });
    expect(cluster.nulls['layer-nonzero']!.z).toBeNull();
    expect(cluster.drawing?.edges[0]).toEqual([0, 0, 1, 0, 1.512]);
  });

  it('keeps what is optional optional: no drawing, no feature visualization, no backdoor, the minimal excise form', () => {
    const { drawing: _d, eigenvalues: _e, ...plain } = clusterExample();
    expect(parseResult(plain)).toEqual(plain);
    const { featureViz: _f, ...lesion } = lesionExample();
    const withoutImages = { ...lesion, subclusters: lesion.subclusters.map(({ featureViz: _x, ...s }) => s) };
    expect(parseResult(withoutImages)).toEqual(withoutImages);
    const {
      attackSuccess: _a,
      rawAttackSuccess: _r,
      cleanToTarget: _t,
      attackExamples: _b,
      cleanAccuracy: _c,
      sparsity: _s,
      eigenvalues: _v,
      ...train
    } = trainExample();
    expect(parseResult({ ...train, options: { ...train.options, poison: null, spectralRegularizer: null } })).toMatchObject({ steps: 32 });
    const minimal = {
      kind: 'modscope/excise',
      version: 2,
      model: 'm.onnx',
      methods: [{ name: 'none', curve: [{ step: 0, forget: 1, retain: 1 }] }],
    };
    expect(parseResult(minimal)).toEqual(minimal);
    expect(parseResult({ ...exciseExample(), floor: null }, { kinds: ['modscope/excise'] }).floor).toBeNull();
    // the relearning attack from each method and baseline, and a version-2 file that has it from module pruning only
    const excise = exciseExample();
    expect(parseResult(excise, { kinds: ['modscope/excise'] }).relearning!.map((r) => r.model)).toEqual([
      'module',
      'none',
      'never-trained',
    ]);
    const older = { ...excise, relearning: excise.relearning.filter((r) => r.model !== 'none') };
    expect(parseResult(older)).toEqual(older);
  });

  it('drops fields it does not know, so a newer writer adding one does not break readers', () => {
    const parsed = parseResult({ ...compareExample(), addedLater: { x: 1 } });
    expect(parsed).toEqual(compareExample());
  });

  it('refuses a wrong kind in one line, naming what was expected', () => {
    const lesion = failure(lesionExample(), { path: 'lesion.json', kinds: ['modscope/cluster'] });
    expect(lesion).toBeInstanceOf(CorruptFileError);
    expect(lesion.message).toBe(
      "lesion.json is not a valid modscope result file: it is a lesion result ('modscope/lesion'), not a cluster result. Pass a file written by 'modscope cluster MODEL --json FILE'.",
    );
    expect(failure({ kind: 'modscope/teleport', version: 1 }).message).toBe(
      "run/result.json is not a valid modscope result file: its kind 'modscope/teleport' is not one this modscope knows (modscope/cluster, modscope/lesion, modscope/text-lesion, modscope/agent-lesion, modscope/compare, modscope/text-compare, modscope/excise, modscope/text-excise, modscope/agent-excise, modscope/train, modscope/text-train, modscope/agent-train). It may come from a newer modscope: update @modscope/results, or leave the file out.",
    );
    expect(failure({ kind: 'something/else' }).message).toMatch(
      /kind 'something\/else' is not one this modscope knows .*only modscope results/,
    );
    expect(failure({ hello: 'world' }).message).toMatch(/it has no 'kind' naming the command that wrote it/);
    expect(failure([1, 2]).message).toMatch(
      /^run\/result\.json is not a valid modscope result file: it holds an array, not a results object\./,
    );
    const { kind: _k, version: _v, ...legacy } = clusterExample();
    expect(failure(legacy).message).toMatch(
      /it has no 'kind'; it is a 'modscope cluster --json' result from before results were versioned\. Run 'modscope cluster MODEL --json FILE' again/,
    );
  });

  it('refuses an old or a newer version with what to do, worded for the reader', () => {
    const old = failure({ ...lesionExample(), version: 0 });
    expect(old).toBeInstanceOf(InvalidArgumentError);
    expect(old.message).toBe(
      "@modscope/results: run/result.json: lesion result version 0 is older than this modscope supports (1). Run 'modscope lesion MODEL --data DATA --json FILE' again with this modscope to write a current result.",
    );
    const newer = failure({ ...exciseExample(), version: 3 }, { path: 'e.json', reader: { name: 'report', package: '@modscope/report' } });
    expect(newer.message).toBe(
      '@modscope/report: e.json: excise result version 3 is newer than this report supports (2). Update @modscope/report (and modscope) to the version that wrote it.',
    );
    // version 1 measured a backdoor by its raw attack success: read no more, in one line
    expect(failure({ ...exciseExample(), version: 1 }).message).toBe(
      "@modscope/results: run/result.json: excise result version 1 is older than this modscope supports (2). Run 'modscope excise MODEL --data DATA --forget SPEC --json FILE' again with this modscope to write a current result.",
    );
    expect(failure({ ...trainExample(), version: 1 }).message).toMatch(
      /train result version 1 is older than this modscope supports \(2\)\. Run 'modscope train/,
    );
    expect(failure({ kind: 'modscope/train', version: '1' }).message).toMatch(
      /its version is "1", expected an integer\. Write it with 'modscope train/,
    );
  });

  it('names the first malformed field and what was expected, never zod’s own text', () => {
    const reason = (value: unknown) => (failure(value) as CorruptFileError).reason;
    expect(failure({ ...clusterExample(), ncut: 'low' }).message).toBe(
      'run/result.json is not a valid modscope cluster result (version 1) file: ncut is a string ("low"), expected a number. Write it with \'modscope cluster MODEL --json FILE\'; the file may have been edited or truncated.',
    );
    expect(reason({ kind: 'modscope/compare', version: 1, model: 'm' })).toBe(
      'partitions is missing, expected an object (and 5 more problems)',
    );
    const lesion = lesionExample();
    lesion.subclusters[1]!.drop = [0.1, 0.2];
    expect(reason(lesion)).toBe('subclusters[1].drop has 2 entries, expected 3');
    const cluster = clusterExample();
    cluster.drawing.edges[2] = [0, 0, 1, 9, 0.2];
    expect(reason(cluster)).toBe("drawing.edges[2] refers to unit 9 of layer 1, which the result's layers do not have");
    expect(
      reason({
        ...clusterExample(),
        labels: [
          [0, 1, -1],
          [0, 0],
        ],
      }),
    ).toBe('labels has 2 entries, expected 3');
    expect(reason({ ...clusterExample(), k: 1.5 })).toBe('k is 1.5, expected an integer');
    expect(reason({ ...exciseExample(), methods: [] })).toBe('methods is empty, expected at least one method');
    expect(reason({ ...exciseExample(), mask: 'loose' })).toBe('mask is a string ("loose"), expected "held" or "released"');
    expect(reason({ ...exciseExample(), relearning: [{ model: 'module', examples: 0, curve: [{ step: 0, forget: 1, retain: 1 }] }] })).toBe(
      'relearning[0].examples is 0, expected an integer ≥ 1',
    );
    expect(
      reason({ ...exciseExample(), relearning: [{ model: 'lottery', examples: 1, curve: [{ step: 0, forget: 1, retain: 1 }] }] }),
    ).toBe('relearning[0].model is a string ("lottery"), expected "module", "random", "magnitude", "selective", "none" or "never-trained"');
    const nulls = clusterExample().nulls;
    expect(reason({ ...clusterExample(), nulls: { ...nulls, layer: { ...nulls.layer, p: null } } })).toBe(
      'nulls.layer.p is null, expected a number',
    );
    const train = trainExample();
    expect(reason({ ...train, history: [{ ...train.history[0], accuracy: '31%' }] })).toBe(
      'history[0].accuracy is a string ("31%"), expected a number',
    );
    for (const r of [reason({ ...compareExample(), overall: [] }), reason({ ...lesionExample(), baseline: { accuracy: 0.9 } })])
      expect(r).not.toMatch(/Invalid input|expected array, received/);
  });
});
