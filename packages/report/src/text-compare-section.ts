import { agreementFigure } from './agreement-figure.js';
import type { AgreementView, TextCompareView } from './compare-view.js';
import type { Section } from './figure.js';
import { count, escapeHtml, fixed } from './html.js';

/** A p-value floor in words: 3 decimals down to 0.001, then as 1.2e-5. */
const floorText = (p: number) => (p >= 0.001 ? p.toFixed(3) : p.toExponential(1));

/** The partition-comparison section of a language model: weight-graph vs coactivation modules of its MLP neurons. */
export function textCompareSection(result: TextCompareView): Section {
  const o = result.overall;
  const row = (name: string, a: AgreementView) => {
    const p = (x: number) => `<td class="num${x <= 0.05 ? ' sig' : ''}">${fixed(x)}</td>`;
    return `<tr><td class="mono">${escapeHtml(name)}</td><td class="num">${count(a.n)}</td><td class="num">${fixed(a.ari)}</td><td class="num">${fixed(a.ariMean)}</td>${p(a.ariP)}<td class="num">${fixed(a.nmi)}</td><td class="num">${fixed(a.nmiMean)}</td>${p(a.nmiP)}</tr>`;
  };
  const table = `<table class="data agreement">
<thead><tr><th>neurons</th><th class="num">n</th><th class="num">ARI</th><th class="num">null ARI</th><th class="num">p</th><th class="num">NMI</th><th class="num">null NMI</th><th class="num">p</th></tr></thead>
<tbody>${[row('all MLP neurons', o), ...result.layers.map((l) => row(l.layer, l))].join('\n')}</tbody>
</table>`;
  return {
    kind: 'modscope/text-compare',
    title: `Weight-graph vs coactivation modules of ${result.model}`,
    subtitle: `${count(o.n)} MLP neurons, k = ${result.k}; the ${result.partitions.weights} partition vs the ${result.partitions.coactivation} partition on ${count(result.windows)} windows of ${result.domains.join(' + ')}; null: ${count(o.permutations)} permutations of one partition's labels`,
    highlights: [
      {
        label: 'ARI',
        value: fixed(o.ari),
        note: `null ${fixed(o.ariMean)}, p = ${fixed(o.ariP)}`,
        tone: o.ariP <= 0.05 ? 'good' : 'neutral',
      },
      {
        label: 'NMI',
        value: fixed(o.nmi),
        note: `null ${fixed(o.nmiMean)}, p = ${fixed(o.nmiP)}`,
        tone: o.nmiP <= 0.05 ? 'good' : 'neutral',
      },
    ],
    blocks: [
      { type: 'figure', figure: agreementFigure(result), wide: true },
      {
        type: 'html',
        kind: 'agreement-table',
        title: 'Agreement over all MLP neurons and block by block',
        caption: `Adjusted Rand index (1 identical, 0 chance) and normalized mutual information of the two partitions, next to their means over ${count(o.permutations)} random relabellings; p is (r + 1)/(n + 1) for the r of n relabellings that agree as much, so none is below ${floorText(1 / (o.permutations + 1))}.`,
        html: table,
        wide: true,
      },
    ],
  };
}
