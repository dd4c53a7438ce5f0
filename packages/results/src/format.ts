/**
 * The format of modscope results files without their validation — kinds, versions and the JSON text —
 * as its own entry, `@modscope/results/format`: a producer (or a command that only prints) loads no
 * schema library (zod alone takes about 90 ms to import).
 */
export {
  AGENT_EXCISE_RESULT_KIND,
  AGENT_EXCISE_RESULT_VERSION,
  AGENT_LESION_RESULT_KIND,
  AGENT_LESION_RESULT_VERSION,
  AGENT_TRAIN_RESULT_KIND,
  AGENT_TRAIN_RESULT_VERSION,
  CLUSTER_RESULT_KIND,
  CLUSTER_RESULT_VERSION,
  COMPARE_RESULT_KIND,
  COMPARE_RESULT_VERSION,
  EXCISE_RESULT_KIND,
  EXCISE_RESULT_VERSION,
  LESION_RESULT_KIND,
  LESION_RESULT_VERSION,
  RESULT_KINDS,
  TEXT_COMPARE_RESULT_KIND,
  TEXT_COMPARE_RESULT_VERSION,
  TEXT_EXCISE_RESULT_KIND,
  TEXT_EXCISE_RESULT_VERSION,
  TEXT_LESION_RESULT_KIND,
  TEXT_LESION_RESULT_VERSION,
  TEXT_TRAIN_RESULT_KIND,
  TEXT_TRAIN_RESULT_VERSION,
  TRAIN_RESULT_KIND,
  TRAIN_RESULT_VERSION,
  type ResultKind,
  type ResultKindInfo,
} from './result-kinds.js';

/** JSON keeps no NaN or ±Infinity: a statistic that is not finite (the z of a constant null, say) becomes null. */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** The text of a results file: indented by two, non-finite numbers as null, a final newline. */
export function resultJsonText(value: unknown): string {
  return `${JSON.stringify(value, finiteOrNull, 2)}\n`;
}
