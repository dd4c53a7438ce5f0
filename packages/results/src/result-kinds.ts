export const CLUSTER_RESULT_KIND = 'modscope/cluster';
export const CLUSTER_RESULT_VERSION = 1;
export const LESION_RESULT_KIND = 'modscope/lesion';
export const LESION_RESULT_VERSION = 1;
export const COMPARE_RESULT_KIND = 'modscope/compare';
export const COMPARE_RESULT_VERSION = 1;
export const EXCISE_RESULT_KIND = 'modscope/excise';
export const EXCISE_RESULT_VERSION = 2;
export const TRAIN_RESULT_KIND = 'modscope/train';
export const TRAIN_RESULT_VERSION = 2;
export const TEXT_LESION_RESULT_KIND = 'modscope/text-lesion';
export const TEXT_LESION_RESULT_VERSION = 1;
export const TEXT_COMPARE_RESULT_KIND = 'modscope/text-compare';
export const TEXT_COMPARE_RESULT_VERSION = 1;
export const TEXT_TRAIN_RESULT_KIND = 'modscope/text-train';
export const TEXT_TRAIN_RESULT_VERSION = 1;
export const TEXT_EXCISE_RESULT_KIND = 'modscope/text-excise';
export const TEXT_EXCISE_RESULT_VERSION = 1;
export const AGENT_EXCISE_RESULT_KIND = 'modscope/agent-excise';
export const AGENT_EXCISE_RESULT_VERSION = 1;
export const AGENT_LESION_RESULT_KIND = 'modscope/agent-lesion';
export const AGENT_LESION_RESULT_VERSION = 1;
export const AGENT_TRAIN_RESULT_KIND = 'modscope/agent-train';
export const AGENT_TRAIN_RESULT_VERSION = 1;

/** The `kind` of a modscope result file: the command that wrote it. */
export type ResultKind =
  | typeof CLUSTER_RESULT_KIND
  | typeof LESION_RESULT_KIND
  | typeof TEXT_LESION_RESULT_KIND
  | typeof AGENT_LESION_RESULT_KIND
  | typeof COMPARE_RESULT_KIND
  | typeof TEXT_COMPARE_RESULT_KIND
  | typeof EXCISE_RESULT_KIND
  | typeof TEXT_EXCISE_RESULT_KIND
  | typeof AGENT_EXCISE_RESULT_KIND
  | typeof AGENT_TRAIN_RESULT_KIND
  | typeof TRAIN_RESULT_KIND
  | typeof TEXT_TRAIN_RESULT_KIND;

/** What every reader needs to know about one kind of result. */
export interface ResultKindInfo {
  kind: ResultKind;
  /** Short name for messages and file names: `cluster`, `lesion`, … (`lesion result version 7 …`). */
  name: string;
  /** The version written now; the only one read. */
  version: number;
  /** The command that writes it, for hints. */
  writer: string;
}

/** Every kind of modscope result, in the order a report shows them. */
export const RESULT_KINDS: readonly ResultKindInfo[] = Object.freeze([
  { kind: CLUSTER_RESULT_KIND, name: 'cluster', version: CLUSTER_RESULT_VERSION, writer: 'modscope cluster MODEL --json FILE' },
  {
    kind: LESION_RESULT_KIND,
    name: 'lesion',
    version: LESION_RESULT_VERSION,
    writer: 'modscope lesion MODEL --data DATA --json FILE',
  },
  {
    kind: TEXT_LESION_RESULT_KIND,
    name: 'text-lesion',
    version: TEXT_LESION_RESULT_VERSION,
    writer: 'modscope lesion MODEL --text CORPUS --json FILE',
  },
  {
    kind: AGENT_LESION_RESULT_KIND,
    name: 'agent-lesion',
    version: AGENT_LESION_RESULT_VERSION,
    writer: 'modscope lesion DIR --env ENV --json FILE',
  },
  {
    kind: COMPARE_RESULT_KIND,
    name: 'compare',
    version: COMPARE_RESULT_VERSION,
    writer: 'modscope compare MODEL --data DATA --json FILE',
  },
  {
    kind: TEXT_COMPARE_RESULT_KIND,
    name: 'text-compare',
    version: TEXT_COMPARE_RESULT_VERSION,
    writer: 'modscope compare MODEL --text CORPUS --json FILE',
  },
  {
    kind: EXCISE_RESULT_KIND,
    name: 'excise',
    version: EXCISE_RESULT_VERSION,
    writer: 'modscope excise MODEL --data DATA --forget SPEC --json FILE',
  },
  {
    kind: TEXT_EXCISE_RESULT_KIND,
    name: 'text-excise',
    version: TEXT_EXCISE_RESULT_VERSION,
    writer: 'modscope excise MODEL --text CORPUS --forget SPEC --json FILE',
  },
  {
    kind: AGENT_EXCISE_RESULT_KIND,
    name: 'agent-excise',
    version: AGENT_EXCISE_RESULT_VERSION,
    writer: 'modscope excise DIR --env ENV --forget behaviour:NAME --json FILE',
  },
  { kind: TRAIN_RESULT_KIND, name: 'train', version: TRAIN_RESULT_VERSION, writer: 'modscope train --data DATA --out DIR' },
  {
    kind: TEXT_TRAIN_RESULT_KIND,
    name: 'text-train',
    version: TEXT_TRAIN_RESULT_VERSION,
    writer: 'modscope train --arch gpt --text CORPUS --out DIR',
  },
  {
    kind: AGENT_TRAIN_RESULT_KIND,
    name: 'agent-train',
    version: AGENT_TRAIN_RESULT_VERSION,
    writer: 'modscope train --env ENV --out DIR',
  },
]);

/** The entry of `RESULT_KINDS` for a kind, or undefined for a string that is none. */
export function resultKindInfo(kind: unknown): ResultKindInfo | undefined {
  return RESULT_KINDS.find((k) => k.kind === kind);
}
