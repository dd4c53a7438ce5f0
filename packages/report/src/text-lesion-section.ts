import { warningsBlock } from './cluster-section.js';
import type { Block, Section } from './figure.js';
import { count, escapeHtml, fixed, percent } from './html.js';
import { domainTag, textContextsHtml } from './text-contexts.js';
import { textLesionFigure } from './text-lesion-figure.js';
import { rankTextSubclusters, type TextLesionView } from './text-lesion-view.js';

const nats = (x: number) => `${x > 0 ? '+' : ''}${fixed(x, 4)}`;
const mean = (xs: readonly number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
/** A p-value floor in words: 3 decimals down to 0.001, then as 1.2e-5. */
const floorText = (p: number) => (p >= 0.001 ? p.toFixed(3) : p.toExponential(1));

/**
 * The lesion section of a language model (method §9): the intact loss per domain, each sub-cluster's loss
 * increase against its random sets (figure and table), and the text that activates each sub-cluster most.
 */
export function textLesionSection(result: TextLesionView): Section {
  const blocks: Block[] = [
    {
      type: 'html',
      kind: 'domain-loss',
      title: 'The intact network, per domain',
      caption: `Next-token loss of the intact network on each domain's windows (${result.split} split), and the sub-cluster whose lesion raises it most.`,
      html: domainLossTable(result),
      wide: true,
    },
    { type: 'figure', figure: textLesionFigure(result), wide: true },
    {
      type: 'html',
      kind: 'text-lesion-table',
      title: 'Sub-clusters ranked by loss increase',
      caption: `Loss increase (nats per token) after lesioning each sub-cluster next to the mean of ${result.random} random same-size sets of its layer; small p-values say it matters more (importance), hurts one domain more (Δ per domain, selectivity), or is driven by text of one domain (upstream entropy) than random units do. With ${result.random} random sets no p can be below ${floorText(result.smallestP.subcluster)}${Number.isFinite(result.smallestP.fisher) ? `, no Fisher-combined p below ${floorText(result.smallestP.fisher)}` : ''}.`,
      html: subclusterTable(result),
      wide: true,
    },
    {
      type: 'html',
      kind: 'text-contexts',
      title: 'What each sub-cluster reads: the text that activates it most',
      caption:
        'For each sub-cluster, most damaging first, the positions of the text where its units are most active on average: the text before, the token at the position highlighted, and the text after (⏎ marks a line break); the tag is the domain. A low entropy of those domains (small p against random sets of the same layer) means the sub-cluster reads one domain.',
      html: textContextsHtml(result),
      wide: true,
    },
  ];
  return {
    kind: 'modscope/text-lesion',
    title: `Lesions of ${result.model} on ${result.domains.join(' + ')}`,
    subtitle: `${result.subclusters.length} sub-clusters of the ${result.partition.source} partition (k = ${result.partition.k}), ${result.ablation} ablation, each against ${result.random} random same-size sets of its layer; ${count(result.windows)} windows of ${result.context} tokens (${result.split} split, tokenizer ${result.tokenizer})`,
    highlights: [
      {
        label: 'intact loss',
        value: `${fixed(result.baseline.loss, 4)} nats`,
        note: `per token; next-token accuracy ${percent(result.baseline.accuracy, 1)}`,
      },
      {
        label: 'importance (Fisher)',
        value: `p = ${fixed(result.fisher.importance, 4)}`,
        tone: result.fisher.importance <= 0.05 ? 'good' : 'neutral',
      },
      {
        label: 'domain selectivity (Fisher)',
        value: `p = ${fixed(result.fisher.selectivity, 4)}`,
        tone: result.fisher.selectivity <= 0.05 ? 'good' : 'neutral',
      },
    ],
    blocks: [...warningsBlock(result.warnings), ...blocks],
  };
}

function pCell(p: number): string {
  return `<td class="num${p <= 0.05 ? ' sig' : ''}">${fixed(p)}</td>`;
}

function domainLossTable(result: TextLesionView): string {
  const rows = result.domains.map((domain, d) => {
    const worst = result.subclusters
      .filter((s) => Number.isFinite(s.domainIncrease[d]))
      .sort((a, b) => b.domainIncrease[d]! - a.domainIncrease[d]!)[0];
    const cells = worst
      ? `<td class="mono">${escapeHtml(worst.layer)} · ${worst.cluster}</td><td class="num">${nats(worst.domainIncrease[d]!)}</td>${pCell(worst.domainP[d]!)}`
      : '<td>—</td><td class="num">—</td><td class="num">—</td>';
    return `<tr><td>${domainTag(result.domains, domain)}</td><td class="num">${fixed(result.baseline.domainLoss[d]!, 4)}</td>${cells}</tr>`;
  });
  return `<table class="data">
<thead><tr><th>domain</th><th class="num">intact loss (nats per token)</th><th>most damaging sub-cluster</th><th class="num">its Δ loss</th><th class="num">p</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
<tfoot><tr><td>all</td><td class="num">${fixed(result.baseline.loss, 4)}</td><td colspan="3"></td></tr></tfoot>
</table>`;
}

function subclusterTable(result: TextLesionView): string {
  const rows = rankTextSubclusters(result).map(
    (s) =>
      `<tr><td class="mono">${escapeHtml(s.layer)}</td><td class="num">${s.block}</td><td>${s.kind}</td><td class="num">${s.cluster}</td><td class="num">${s.size}/${s.layerUnits}</td><td class="num">${nats(s.increase)}</td><td class="num">${nats(mean(s.randomIncrease))}</td>${pCell(s.importanceP)}${s.domainIncrease
        .map((d, i) => `<td class="num${s.domainP[i]! <= 0.05 ? ' sig' : ''}">${nats(d)}</td>`)
        .join('')}${pCell(s.selectivityP)}${pCell(s.domainEntropyP)}</tr>`,
  );
  const domains = result.domains.map((d) => `<th class="num">Δ ${domainTag(result.domains, d)}</th>`).join('');
  return `<table class="data text-lesion">
<thead><tr><th>layer</th><th class="num">block</th><th>units</th><th class="num">module</th><th class="num">size</th><th class="num">Δ loss</th><th class="num">random Δ</th><th class="num">importance p</th>${domains}<th class="num">selectivity p</th><th class="num">upstream entropy p</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
</table>`;
}
