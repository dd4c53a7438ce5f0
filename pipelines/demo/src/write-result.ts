import { writeFile } from 'node:fs/promises';
import { resultJsonText } from '@modscope/results/format';

/** Writes a result as every modscope `--json` file holds it (`resultJsonText`). */
export async function writeResult(path: string, value: unknown): Promise<void> {
  await writeFile(path, resultJsonText(value));
}
