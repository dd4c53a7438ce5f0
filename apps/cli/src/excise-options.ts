import { EXCISE_METHODS } from '@modscope/excision';
import type { ExciseMethod } from '@modscope/intervention-prune';
import { UsageError } from './usage-error.js';

/** `--methods module,random`: methods and baselines, each once. */
export function parseMethods(text: string, argument = '--methods'): ExciseMethod[] {
  const methods = text.split(',').flatMap((s) => (s.trim() ? [s.trim()] : []));
  const unknown = methods.filter((m) => !(EXCISE_METHODS as readonly string[]).includes(m));
  if (methods.length === 0 || unknown.length > 0) {
    throw new UsageError({
      argument,
      message: `unknown method '${unknown[0] ?? text}'.`,
      hint: `Use some of: ${EXCISE_METHODS.join(', ')}, separated by commas${argument === '--relearn-from' ? ', or all' : ''}.`,
    });
  }
  return [...new Set(methods)] as ExciseMethod[];
}

/** `--relearn 10,100`, or `none`. */
export function parseRelearn(text: string): number[] {
  if (text === 'none' || text === '0') return [];
  const counts = text.split(',').map((s) => Number(s.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new UsageError({
      argument: '--relearn',
      message: `--relearn '${text}' is not a list of example counts.`,
      hint: 'e.g. --relearn 10,100, or --relearn none.',
    });
  }
  return counts;
}

/** `--relearn-from all`, or methods among `--methods`: where the relearning attack starts (the floor besides). */
export function parseRelearnFrom(text: string, methods: readonly ExciseMethod[]): 'all' | ExciseMethod[] {
  if (text.trim() === 'all') return 'all';
  const from = parseMethods(text, '--relearn-from');
  const notRun = from.filter((m) => !methods.includes(m));
  if (notRun.length > 0) {
    throw new UsageError({
      argument: '--relearn-from',
      message: `--relearn-from names ${notRun.join(', ')}, which --methods does not run.`,
      hint: `Use all, or some of: ${methods.join(', ')}.`,
    });
  }
  return from;
}

/** A short progress-bar label for a stage of `runExcise`: `tune random`, `relearn 10 (random)`, `never-trained`. */
export function barLabel(stage: string): string {
  if (stage.startsWith('fine-tuning: ')) return `tune ${stage.slice('fine-tuning: '.length)}`;
  const relearn = /^relearning attack: ([\w-]+), (\d+)/.exec(stage);
  if (relearn) return `relearn ${relearn[2]} (${relearn[1] === 'never-trained' ? 'never trained' : relearn[1]})`;
  return stage.startsWith('never-trained') ? 'never-trained' : stage;
}
