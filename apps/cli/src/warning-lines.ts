/**
 * The lines a command prints for a result's warnings (tests whose sample count keeps every p above 0.05):
 * on stdout with the tables, as `note:` lines are, so they stay next to the p-values they qualify.
 */
export function warningLines(warnings: readonly { message: string }[] | undefined): string[] {
  return (warnings ?? []).map((w) => `warning: ${w.message}`);
}

/** A p-value floor for a sentence: 3 decimals down to 0.001, then as 1.2e-5. */
export function floorText(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

/**
 * A p-value as a table or a summary prints it: `digits` decimals (default 3) from 0.001 up, and below that in
 * scientific notation with at most 2 significant digits (`6e-10`, `1.2e-5`), never a row of zeros; `—` when
 * there is none. At `floor`, the least its number of shuffles or random sets allows, it adds
 * `(smallest possible)`: more samples could take it lower.
 */
export function pText(p: number | null | undefined, options: { digits?: number; floor?: number | null } = {}): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  const text = p === 0 || p >= 0.001 ? p.toFixed(options.digits ?? 3) : Number(p.toPrecision(2)).toExponential();
  const floor = options.floor;
  return floor !== null && floor !== undefined && p <= floor * (1 + 1e-9) ? `${text} (smallest possible)` : text;
}
