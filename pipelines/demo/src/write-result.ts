import { writeFile } from 'node:fs/promises';

/** JSON keeps no NaN or ±Infinity: statistics that are not finite become null, as every `--json` file of modscope. */
const finiteOrNull = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isFinite(value) ? null : value);

/** Writes a result as modscope's `--json` files hold it: indented, non-finite numbers as null, a final newline. */
export async function writeResult(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, finiteOrNull, 2)}\n`);
}
