import { escapeHtml, fixed } from './html.js';
import { metricText, type RecoveryData, relearnStart, type RecoveryMetrics } from './recovery-figure.js';

/** What the before/after table shows of each excision method or baseline (NaN: not finite). */
interface MethodRow {
  name: string;
  method?: string;
  baseline: boolean;
  units?: number;
  forget?: number;
  retain?: number;
  curve: readonly { step: number; forget: number; retain: number }[];
  stats?: { stepsToHalf: number | null; forgetArea: number };
  weightDistance?: number;
}

/** An excision result as its tables read it: a classifier's or a language model's. */
interface ExcisionTableData extends RecoveryData {
  methods: readonly MethodRow[];
  relearning: readonly (RecoveryData['relearning'][number] & { examples: number })[];
}

const headRow = (head: readonly string[]) => `<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
const numCells = (cells: readonly string[]) => cells.map((c) => `<td class="num">${escapeHtml(c)}</td>`).join('');

/**
 * Each method right after pruning and at the end of fine-tuning on retain data (steps to half, forget area,
 * weight distance), then the never-trained floor; with `intact`, a first row for the model before pruning.
 */
export function methodsTable(result: ExcisionTableData, metrics: RecoveryMetrics, intact?: { forget: number; retain: number }): string {
  const forget = (x: number) => metricText(metrics.forgetUnit, x);
  const retain = (x: number) => metricText(metrics.retainUnit, x);
  const head = [
    'method',
    'units',
    'forget, pruned',
    'retain, pruned',
    'forget, tuned',
    'retain, tuned',
    'steps to half',
    'forget area',
    'distance',
  ];
  const rows = result.methods.map((m) => {
    const end = m.curve[m.curve.length - 1]!;
    const cells = [
      m.units !== undefined ? String(m.units) : '—',
      forget(m.forget ?? m.curve[0]!.forget),
      retain(m.retain ?? m.curve[0]!.retain),
      forget(end.forget),
      retain(end.retain),
      m.stats ? (m.stats.stepsToHalf === null ? 'never' : String(m.stats.stepsToHalf)) : '—',
      m.stats ? forget(m.stats.forgetArea) : '—',
      m.weightDistance !== undefined ? fixed(m.weightDistance, 2) : '—',
    ];
    return `<tr><th scope="row">${escapeHtml(m.name)}${m.baseline ? ' (baseline)' : ''}</th>${numCells(cells)}</tr>`;
  });
  if (intact) {
    rows.unshift(
      `<tr><th scope="row">intact</th>${numCells(['—', forget(intact.forget), retain(intact.retain)])}<td colspan="5">before pruning</td></tr>`,
    );
  }
  if (result.floor) {
    const floor = ['—', '—', '—', forget(result.floor.forget), retain(result.floor.retain ?? Number.NaN), '—', '—', '—'];
    rows.push(`<tr><th scope="row">never trained</th>${numCells(floor)}</tr>`);
  }
  return `<table class="data">${headRow(head)}<tbody>${rows.join('')}</tbody></table>`;
}

/** The relearning attack from each start: the forget and retain metrics at its start and end, and degenerate runs marked. */
export function relearningTable(result: ExcisionTableData, metrics: RecoveryMetrics): string {
  const forget = (x: number) => metricText(metrics.forgetUnit, x);
  const retain = (x: number) => metricText(metrics.retainUnit, x);
  const head = ['start', 'examples', 'retain mixed in', 'forget, before', 'forget, after', 'retain, before', 'retain, after', 'verdict'];
  const rows = result.relearning.map((r) => {
    const first = r.curve[0]!;
    const end = r.curve[r.curve.length - 1]!;
    const cells = [
      String(r.examples),
      r.retainExamples !== undefined ? String(r.retainExamples) : '—',
      forget(first.forget),
      forget(end.forget),
      retain(first.retain),
      retain(end.retain),
    ];
    const verdict = r.degenerate ? '<td class="degenerate"><strong>degenerate</strong></td>' : '<td></td>';
    return `<tr><th scope="row">${escapeHtml(relearnStart(result, r.model))}</th>${numCells(cells)}${verdict}</tr>`;
  });
  return `<table class="data">${headRow(head)}<tbody>${rows.join('')}</tbody></table>`;
}
