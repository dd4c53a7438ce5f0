/**
 * How every modscope results file is written — its own entry, `@modscope/results/text`, with no schema
 * library behind it, so a command that only prints loads nothing more.
 */

/** JSON keeps no NaN or ±Infinity: a statistic that is not finite (the z of a constant null, say) becomes null. */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** The text of a results file: indented by two, non-finite numbers as null, a final newline. */
export function resultJsonText(value: unknown): string {
  return `${JSON.stringify(value, finiteOrNull, 2)}\n`;
}
