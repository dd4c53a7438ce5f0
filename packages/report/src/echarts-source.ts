import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let cached: string | undefined;

/** The minified Apache ECharts build, to inline into the page (no CDN: the report works offline). */
export function echartsSource(): string {
  if (cached === undefined) {
    const path = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
    cached = readFileSync(path, 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return cached;
}
