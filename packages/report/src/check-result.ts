import { CorruptFileError, InvalidArgumentError } from '@modscope/core';
import { RESULT_KINDS, type ReportResult, type ResultKind } from './result-kinds.js';
import { ResultReader } from './result-reader.js';

const known = () => RESULT_KINDS.map((k) => k.kind).join(', ');

/**
 * Checks one parsed results file and returns it in the shape the report draws: a known `kind`, a `version`
 * this report reads, and every field the figures use. Throws a `CorruptFileError` (malformed, foreign, or
 * an unversioned file from before results had a kind) or an `InvalidArgumentError` (a version this report
 * does not read) naming `source` and what is wrong.
 */
export function checkResult(value: unknown, source: string): { kind: ResultKind<ReportResult>; result: ReportResult } {
  const corrupt = (reason: string, hint: string) => new CorruptFileError({ path: source, format: 'modscope result', reason, hint });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw corrupt(
      `it holds ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not a results object`,
      "Pass files written by a modscope command's --json FILE option.",
    );
  }
  const o = value as Record<string, unknown>;
  if (o.kind === undefined) {
    if ('ncut' in o && 'labels' in o) {
      throw corrupt(
        "it has no 'kind'; it is a 'modscope cluster --json' result from before results were versioned",
        "Run 'modscope cluster MODEL --json FILE' again with this modscope to write a version 1 result (it also records the edges the network figure draws).",
      );
    }
    throw corrupt(
      "it has no 'kind' naming the command that wrote it",
      `Pass files written by a modscope command's --json FILE option (kinds: ${known()}).`,
    );
  }
  const entry = RESULT_KINDS.find((k) => k.kind === o.kind);
  if (!entry) {
    const name = typeof o.kind === 'string' ? `'${o.kind}'` : JSON.stringify(o.kind);
    throw corrupt(
      `its kind ${name} is not one this report knows (${known()})`,
      typeof o.kind === 'string' && o.kind.startsWith('modscope/')
        ? 'It may come from a newer modscope: update @modscope/report, or leave the file out.'
        : 'Leave it out: only modscope results can be reported.',
    );
  }
  const version = o.version;
  const { min, max } = entry.versions;
  const supported = min === max ? String(max) : `${min}–${max}`;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw corrupt(
      `its version is ${version === undefined ? 'missing' : JSON.stringify(version)}, expected an integer`,
      `Write it with '${entry.writer}'.`,
    );
  }
  if (version > max) {
    throw new InvalidArgumentError({
      argument: source,
      message: `@modscope/report: ${source}: ${entry.name} result version ${version} is newer than this report supports (${supported}).`,
      hint: 'Update @modscope/report (and modscope) to the version that wrote it.',
    });
  }
  if (version < min) {
    throw new InvalidArgumentError({
      argument: source,
      message: `@modscope/report: ${source}: ${entry.name} result version ${version} is older than this report supports (${supported}).`,
      hint: `Run '${entry.writer}' again with this modscope to write a current result.`,
    });
  }
  const reader = new ResultReader(source, `modscope ${entry.name} result (version ${version})`, entry.writer);
  return { kind: entry, result: entry.read(reader, value) };
}
