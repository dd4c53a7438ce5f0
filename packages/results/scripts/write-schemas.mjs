// Writes schemas/<name>.schema.json, the published JSON Schema of every result kind, from the built
// package (`npm run build` first). `src/result-json-schema.test.ts` fails when they are out of date.
import { mkdir, writeFile } from 'node:fs/promises';
import { RESULT_KINDS, resultJsonSchema } from '../dist/index.js';

const dir = new URL('../schemas/', import.meta.url);
await mkdir(dir, { recursive: true });
for (const { kind, name } of RESULT_KINDS) {
  const file = new URL(`${name}.schema.json`, dir);
  await writeFile(file, `${JSON.stringify(resultJsonSchema(kind), null, 2)}\n`);
  console.log(`wrote schemas/${name}.schema.json`);
}
