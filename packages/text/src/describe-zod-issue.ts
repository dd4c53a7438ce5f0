import type { z } from 'zod';

/** The first problem zod found, as `domains[0].files: must list at least one file`. */
export function describeZodIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  const what = issue.message.replace(/^Invalid input: /, '').replace(/^expected (\w+), received undefined$/, 'missing (expected $1)');
  return where ? `${where}: ${what}` : what;
}
