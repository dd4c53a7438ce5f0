import { CorruptFileError, InvalidArgumentError } from '@modscope/core';
import type { z } from 'zod';
import { agentExciseResultSchema, type AgentExciseResultFile } from './agent-excise-result-schema.js';
import { agentTrainResultSchema, type AgentTrainResultFile } from './agent-train-result-schema.js';
import { agentLesionResultSchema, type AgentLesionResultFile } from './agent-lesion-result-schema.js';
import { clusterResultSchema, type ClusterResultFile } from './cluster-result-schema.js';
import { compareResultSchema, type CompareResultFile } from './compare-result-schema.js';
import { exciseResultSchema, type ExciseResultFile } from './excise-result-schema.js';
import { fieldPath, issuePhrase } from './issue-phrase.js';
import { lesionResultSchema, type LesionResultFile } from './lesion-result-schema.js';
import { RESULT_KINDS, resultKindInfo, type ResultKind, type ResultKindInfo } from './result-kinds.js';
import { textCompareResultSchema, type TextCompareResultFile } from './text-compare-result-schema.js';
import { textExciseResultSchema, type TextExciseResultFile } from './text-excise-result-schema.js';
import { textLesionResultSchema, type TextLesionResultFile } from './text-lesion-result-schema.js';
import { textTrainResultSchema, type TextTrainResultFile } from './text-train-result-schema.js';
import { trainResultSchema, type TrainResultFile } from './train-result-schema.js';

/** Any modscope result file. */
export type ResultFile =
  | ClusterResultFile
  | LesionResultFile
  | TextLesionResultFile
  | AgentLesionResultFile
  | CompareResultFile
  | TextCompareResultFile
  | ExciseResultFile
  | TextExciseResultFile
  | AgentExciseResultFile
  | AgentTrainResultFile
  | TrainResultFile
  | TextTrainResultFile;

/** The result file of one kind: `ResultFileOf<'modscope/cluster'>` is `ClusterResultFile`. */
export type ResultFileOf<K extends ResultKind> = Extract<ResultFile, { kind: K }>;

const SCHEMAS: Readonly<Record<ResultKind, z.ZodType>> = {
  'modscope/cluster': clusterResultSchema,
  'modscope/lesion': lesionResultSchema,
  'modscope/text-lesion': textLesionResultSchema,
  'modscope/agent-lesion': agentLesionResultSchema,
  'modscope/compare': compareResultSchema,
  'modscope/text-compare': textCompareResultSchema,
  'modscope/excise': exciseResultSchema,
  'modscope/text-excise': textExciseResultSchema,
  'modscope/agent-excise': agentExciseResultSchema,
  'modscope/agent-train': agentTrainResultSchema,
  'modscope/train': trainResultSchema,
  'modscope/text-train': textTrainResultSchema,
};

/** The zod schema of a kind of result. */
export function schemaOf(kind: ResultKind): z.ZodType {
  return SCHEMAS[kind];
}

/** Who reads results, named in the messages about kinds and versions it does not read. */
export interface ResultReader {
  /** (string) — what reads them, as in "newer than this report supports": `report`. */
  name: string;
  /** (string) — the package to update for newer results; version messages start with it: `@modscope/report`. */
  package: string;
}

export interface ParseResultOptions<K extends ResultKind = ResultKind> {
  /** (string, default `'result'`) — where the value came from (a file), named in every error. */
  path?: string;
  /** (`ResultKind[]`, default every kind) — the kinds accepted; another kind is refused. */
  kinds?: readonly K[];
  /** (`ResultReader`, default `{ name: 'modscope', package: '@modscope/results' }`) — who reads, for the messages. */
  reader?: ResultReader;
}

const DEFAULT_READER: ResultReader = { name: 'modscope', package: '@modscope/results' };
const WRITTEN_BY = "Pass files written by a modscope command's --json FILE option";

/** `a, b or c`. */
const listed = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

/**
 * Checks a parsed result file (`JSON.parse` of what a modscope command wrote with `--json FILE`) and
 * returns it typed: a known `kind` among `kinds`, the version this package reads, and every field of that
 * kind's schema (fields it does not know are dropped). Throws a one-line `CorruptFileError` naming `path`
 * and the first field at fault (`subclusters[2].drop has 2 entries, expected 3`), or an
 * `InvalidArgumentError` for a version older or newer than the one read, each with a hint.
 */
export function parseResult<K extends ResultKind = ResultKind>(value: unknown, options: ParseResultOptions<K> = {}): ResultFileOf<K> {
  const path = options.path ?? 'result';
  const reader = options.reader ?? DEFAULT_READER;
  const accepted = RESULT_KINDS.filter((k) => (options.kinds ?? RESULT_KINDS.map((x) => x.kind)).includes(k.kind as K));
  const corrupt = (reason: string, hint: string) => new CorruptFileError({ path, format: 'modscope result', reason, hint });
  const kinds = accepted.map((k) => k.kind).join(', ');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw corrupt(
      `it holds ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not a results object`,
      `${WRITTEN_BY}.`,
    );
  }
  const o = value as Record<string, unknown>;
  if (o.kind === undefined) {
    if ('ncut' in o && 'labels' in o) {
      throw corrupt(
        "it has no 'kind'; it is a 'modscope cluster --json' result from before results were versioned",
        "Run 'modscope cluster MODEL --json FILE' again with this modscope to write a version 1 result.",
      );
    }
    throw corrupt("it has no 'kind' naming the command that wrote it", `${WRITTEN_BY} (kinds: ${kinds}).`);
  }
  const entry = accepted.find((k) => k.kind === o.kind);
  if (!entry) throw unaccepted(o.kind, accepted, reader, corrupt);
  const version = o.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw corrupt(
      `its version is ${version === undefined ? 'missing' : JSON.stringify(version)}, expected an integer`,
      `Write it with '${entry.writer}'.`,
    );
  }
  if (version !== entry.version) {
    const newer = version > entry.version;
    throw new InvalidArgumentError({
      argument: path,
      message: `${reader.package}: ${path}: ${entry.name} result version ${version} is ${newer ? 'newer' : 'older'} than this ${reader.name} supports (${entry.version}).`,
      hint: newer
        ? `Update ${reader.package} (and modscope) to the version that wrote it.`
        : `Run '${entry.writer}' again with this modscope to write a current result.`,
    });
  }
  const parsed = SCHEMAS[entry.kind].safeParse(value, { error: issuePhrase });
  if (!parsed.success) {
    throw new CorruptFileError({
      path,
      format: `modscope ${entry.name} result (version ${version})`,
      reason: firstProblem(parsed.error.issues),
      hint: `Write it with '${entry.writer}'; the file may have been edited or truncated.`,
    });
  }
  return parsed.data as ResultFileOf<K>;
}

function unaccepted(
  kind: unknown,
  accepted: readonly ResultKindInfo[],
  reader: ResultReader,
  corrupt: (reason: string, hint: string) => CorruptFileError,
): CorruptFileError {
  const known = resultKindInfo(kind);
  const names = listed(accepted.map((k) => k.name));
  if (known) {
    return corrupt(
      `it is a ${known.name} result ('${known.kind}'), not a ${names} result`,
      accepted.length === 1
        ? `Pass a file written by '${accepted[0]!.writer}'.`
        : `Leave it out: this ${reader.name} reads ${names} results.`,
    );
  }
  const name = typeof kind === 'string' ? `'${kind}'` : JSON.stringify(kind);
  return corrupt(
    `its kind ${name} is not one this ${reader.name} knows (${accepted.map((k) => k.kind).join(', ')})`,
    typeof kind === 'string' && kind.startsWith('modscope/')
      ? `It may come from a newer modscope: update ${reader.package}, or leave the file out.`
      : 'Leave it out: only modscope results can be read.',
  );
}

/**
 * The problem that says most, in words, and how many more there are: the outermost first, and at one
 * depth a missing or mistyped object or array before a field of another type.
 */
function firstProblem(issues: readonly z.core.$ZodIssue[]): string {
  const container = (issue: z.core.$ZodIssue) =>
    issue.code === 'invalid_type' && ['object', 'array', 'tuple', 'record'].includes(issue.expected) ? 0 : 1;
  const ranked = issues
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => a.issue.path.length - b.issue.path.length || container(a.issue) - container(b.issue) || a.order - b.order);
  const first = ranked[0]!.issue;
  const where = fieldPath(first.path);
  const more = issues.length - 1;
  return `${where ? `${where} ` : ''}${first.message}${more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : ''}`;
}
