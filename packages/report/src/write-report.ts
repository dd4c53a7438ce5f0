import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { InvalidArgumentError } from '@modscope/core';
import { readResultFile } from '@modscope/results';
import { checkResult } from './check-result.js';
import { renderReport } from './render-report.js';
import { REPORT_KINDS, REPORT_READER } from './report-kinds.js';

export interface WriteReportOptions {
  /** The page title. Default: `modscope report` and the models' names. */
  title?: string;
}

export interface WriteResultsReportOptions extends WriteReportOptions {
  /** What each result is called on the page and in errors (usually the file it was or will be written to). Default `results[i]`. */
  sources?: readonly string[];
  /** Directory that relative feature-visualization image paths are also tried from (after the working directory). Default: none. */
  imageDir?: string;
}

export interface WrittenReport {
  /** The HTML file written. */
  path: string;
  bytes: number;
  /** Results read. */
  results: number;
  /** What could not be embedded (a feature-visualization image that is not found), in words. */
  warnings: string[];
}

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

/**
 * Reads modscope results files (`--json FILE`) with `readResultFile` of `@modscope/results`, checks them all, embeds the feature-visualization images
 * they name (a relative path is tried from the working directory, then from the results file's directory),
 * and writes one self-contained HTML report to `out`.
 */
export async function writeReport(paths: readonly string[], out: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  if (paths.length === 0) {
    throw new InvalidArgumentError({
      argument: 'paths',
      message: '@modscope/report: no results files given.',
      hint: "Pass files written by 'modscope cluster|lesion|compare --json FILE'.",
    });
  }
  const results = await Promise.all(paths.map((path) => readResultFile(path, { kinds: REPORT_KINDS, reader: REPORT_READER })));
  return writeChecked(
    results.map((value, i) => ({ value, source: paths[i]!, dir: dirname(paths[i]!) })),
    out,
    options,
  );
}

/**
 * `writeReport` for results already in memory (as the CLI writes them with `--json FILE`, non-finite
 * numbers as null): checks them, embeds their feature-visualization images and writes the page to `out`.
 * What `modscope cluster|lesion|compare --report FILE` uses.
 */
export async function writeResultsReport(
  results: readonly unknown[],
  out: string,
  options: WriteResultsReportOptions = {},
): Promise<WrittenReport> {
  const { sources, imageDir, ...rest } = options;
  return writeChecked(
    results.map((value, i) => ({ value, source: sources?.[i] ?? `results[${i}]`, dir: imageDir })),
    out,
    rest,
  );
}

async function writeChecked(
  results: { value: unknown; source: string; dir: string | undefined }[],
  out: string,
  options: WriteReportOptions,
): Promise<WrittenReport> {
  // check everything before reading images or writing anything
  for (const r of results) checkResult(r.value, r.source);
  const images: Record<string, string> = {};
  const warnings: string[] = [];
  for (const r of results) {
    for (const image of imagePaths(r.value)) {
      if (image in images) continue;
      const candidates = [resolve(image), ...(r.dir !== undefined ? [resolve(r.dir, image)] : [])];
      let bytes: Buffer | undefined;
      for (const candidate of candidates) {
        bytes = await readFile(candidate).catch(() => undefined);
        if (bytes) break;
      }
      if (bytes)
        images[image] = `data:${MIME[extname(image).toLowerCase()] ?? 'application/octet-stream'};base64,${bytes.toString('base64')}`;
      else warnings.push(`feature-visualization image ${image} (named in ${r.source}) not found; the report shows a placeholder`);
    }
  }
  const html = renderReport(
    results.map((r) => r.value),
    { ...options, sources: results.map((r) => r.source), images },
  );
  await mkdir(dirname(resolve(out)), { recursive: true });
  await writeFile(out, html);
  return { path: out, bytes: Buffer.byteLength(html), results: results.length, warnings };
}

/** The image files a (checked) lesion result names. */
function imagePaths(value: unknown): string[] {
  const o = value as { kind?: unknown; subclusters?: { featureViz?: { image?: unknown } }[] };
  if (o.kind !== 'modscope/lesion' || !Array.isArray(o.subclusters)) return [];
  return o.subclusters.flatMap((s) => (typeof s.featureViz?.image === 'string' ? [s.featureViz.image] : []));
}
