import { basename } from 'node:path';
import { jsonText, print, printJson } from './output.js';
import { writeAtomically, writeOutputFile } from './output-file.js';

/** A command's result as its `--json FILE` holds it: non-finite numbers written as null. */
function resultJson(result: object): unknown {
  return JSON.parse(jsonText(result));
}

export interface ReportOptionContext {
  /** What the result is called on the page: the `--json` file when there is one. Default `<kind>.json`. */
  source?: string;
  /** Print nothing on stdout (the command prints JSON there). */
  quiet?: boolean;
}

/**
 * `--report FILE` of the analysis commands: the self-contained HTML report of this one result (the
 * same page `modscope report` makes from its `--json` file). Warnings (an image not found) go to stderr.
 */
export async function writeReportOption(result: { kind: string }, file: string, context: ReportOptionContext = {}): Promise<void> {
  const { writeResultsReport } = await import('@modscope/report');
  const source =
    context.source !== undefined && context.source !== '-' ? basename(context.source) : `${result.kind.replace(/^modscope\//, '')}.json`;
  const value = resultJson(result);
  const written = await writeAtomically(file, (temp) => writeResultsReport([value], temp, { sources: [source] }));
  for (const warning of written.warnings) process.stderr.write(`modscope: warning: ${warning}\n`);
  if (!context.quiet) print(`wrote ${file} (open it in a browser, no network needed)`);
}

/**
 * The outputs every analysis command ends with: with `--json -` only the JSON on stdout (and the report, quietly);
 * otherwise the `--json FILE`, the text `format` makes, a line naming the file, and the `--report FILE`.
 */
export async function writeResultOutputs(
  result: { kind: string },
  options: { json?: string; report?: string },
  format: () => string,
): Promise<void> {
  if (options.json === '-') {
    printJson(result);
    if (options.report) await writeReportOption(result, options.report, { quiet: true });
    return;
  }
  if (options.json) await writeOutputFile(options.json, jsonText(result));
  print(format());
  if (options.json) print(`\nwrote ${options.json}`);
  if (options.report) await writeReportOption(result, options.report, options.json ? { source: options.json } : {});
}
