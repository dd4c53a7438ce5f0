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
