import { print } from '../output.js';
import { writeAtomically } from '../output-file.js';
import { checkOutputs } from '../output-paths.js';

export interface ReportOptions {
  /** The HTML file to write. */
  out: string;
  title?: string;
}

/** `modscope report <results.json...> --out report.html`: one self-contained HTML report from results files. */
export async function reportCommand(paths: string[], options: ReportOptions): Promise<void> {
  const { writeReport } = await import('@modscope/report');
  await checkOutputs({ files: { '--out': options.out }, inputs: paths.map((path) => ({ what: 'the results file', path })) });
  const written = await writeAtomically(options.out, (temp) =>
    writeReport(paths, temp, options.title !== undefined ? { title: options.title } : {}),
  );
  for (const warning of written.warnings) process.stderr.write(`modscope: warning: ${warning}\n`);
  print(
    `wrote ${options.out} (${written.results} result${written.results === 1 ? '' : 's'}, ${(written.bytes / 1024 / 1024).toFixed(1)} MB; open it in a browser, no network needed)`,
  );
}
