import { dropHeatmapFigure, rankSubclusters, subclusterName } from './drop-heatmap-figure.js';
import type { Block, Section } from './figure.js';
import { warningsBlock } from './cluster-section.js';
import { count, escapeHtml, fixed, percent, significant } from './html.js';
import type { LesionView } from './lesion-view.js';

/** Embedded images, by the path the result names them with (data: URIs). */
export type ImageMap = Readonly<Record<string, string>>;

/** The lesion section: headline numbers, the drop heatmap, the ranked table and the feature visualizations. */
export function lesionSection(result: LesionView, images: ImageMap = {}): Section {
  const blocks: Block[] = [
    { type: 'figure', figure: dropHeatmapFigure(result), wide: true },
    {
      type: 'html',
      kind: 'lesion-table',
      title: 'Sub-clusters ranked by importance',
      caption: `Accuracy after silencing each sub-cluster next to the mean of ${result.random} random same-size lesions of its layer; small p-values say the sub-cluster matters more (importance), hits fewer classes (selectivity), or is driven by inputs of one class (upstream) than random units do. With ${result.random} random lesions no p can be below ${floorText(result.smallestP.subcluster)}${Number.isFinite(result.smallestP.fisher) ? `, no Fisher-combined p below ${floorText(result.smallestP.fisher)}` : ''}.`,
      html: lesionTable(result),
      wide: true,
    },
  ];
  const withImages = result.subclusters.filter((s) => s.featureViz);
  if (withImages.length > 0) {
    blocks.push({
      type: 'html',
      kind: 'feature-viz',
      title: 'What each sub-cluster responds to: feature visualizations',
      caption:
        'Each image is an input optimized by gradient ascent to excite one sub-cluster; a low entropy of the network’s prediction on it (small p against random unit sets) means the sub-cluster is tied to one class.',
      html: gallery(result, images),
      wide: true,
    });
  }
  return {
    kind: 'modscope/lesion',
    title: `Lesions of ${result.model} on ${result.dataset}`,
    subtitle: `${result.subclusters.length} sub-clusters of the ${result.partition.source} partition (k = ${result.partition.k}), each against ${result.random} random same-size lesions; ${count(result.examples)} examples`,
    highlights: [
      { label: 'intact accuracy', value: percent(result.baseline.accuracy, 2) },
      {
        label: 'effect factor',
        value: fixed(result.effectFactor),
        note: 'random / module-lesion accuracy; > 1: modules matter more',
        tone: result.effectFactor > 1 ? 'good' : 'neutral',
      },
      {
        label: 'importance (Fisher)',
        value: `p = ${fixed(result.fisher.importance, 4)}`,
        tone: result.fisher.importance <= 0.05 ? 'good' : 'neutral',
      },
      {
        label: 'class selectivity (Fisher)',
        value: `p = ${fixed(result.fisher.coherence, 4)}`,
        tone: result.fisher.coherence <= 0.05 ? 'good' : 'neutral',
      },
      ...(Number.isFinite(result.fisher.upstream)
        ? [
            {
              label: 'upstream coherence (Fisher)',
              value: `p = ${fixed(result.fisher.upstream, 4)}`,
              tone: result.fisher.upstream <= 0.05 ? ('good' as const) : ('neutral' as const),
            },
          ]
        : []),
    ],
    blocks: [...warningsBlock(result.warnings), ...blocks],
  };
}

/** A p-value floor in words: 3 decimals down to 0.001, then as 1.2e-5. */
function floorText(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

function lesionTable(result: LesionView): string {
  const cell = (p: number) => `<td class="num${p <= 0.05 ? ' sig' : ''}">${fixed(p)}</td>`;
  const rows = rankSubclusters(result).map((s) => {
    const worst = s.drop
      .map((d, c) => [d, c] as const)
      .filter(([d]) => d > 0.005)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 3)
      .map(([d, c]) => `${escapeHtml(result.classNames[c]!)} −${(100 * d).toFixed(0)}`)
      .join(', ');
    return `<tr><td class="mono">${escapeHtml(subclusterName(s))}</td><td class="num">${s.size}/${s.layerUnits}</td><td class="num">${percent(s.accuracy)}</td><td class="num">${percent(s.randomAccuracy)}</td>${cell(s.importanceP)}${cell(s.coherenceP)}${cell(s.upstreamP)}<td>${worst}</td></tr>`;
  });
  return `<table class="data">
<thead><tr><th>sub-cluster</th><th class="num">units</th><th class="num">accuracy</th><th class="num">random</th><th class="num">importance p</th><th class="num">selectivity p</th><th class="num">upstream p</th><th>most affected classes (points lost)</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
</table>`;
}

function gallery(result: LesionView, images: ImageMap): string {
  const items = rankSubclusters(result)
    .filter((s) => s.featureViz)
    .map((s) => {
      const fv = s.featureViz!;
      const src = images[fv.image];
      const picture = src
        ? `<img src="${escapeHtml(src)}" alt="feature visualization of ${escapeHtml(subclusterName(s))}">`
        : `<div class="missing" title="${escapeHtml(fv.image)}">image not embedded<br><small>${escapeHtml(fv.image)}</small></div>`;
      return `<figure class="tile${fv.p <= 0.05 ? ' sig' : ''}">${picture}<figcaption><span class="mono">${escapeHtml(s.layer)} · ${s.cluster}</span><br>entropy ${significant(fv.entropy, 2)} · p = ${fixed(fv.p, 2)}</figcaption></figure>`;
    });
  return `<div class="gallery">${items.join('')}</div>`;
}
