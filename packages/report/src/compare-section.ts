import { agreementFigure } from './agreement-figure.js';
import type { CompareView } from './compare-view.js';
import type { Section } from './figure.js';
import { count, fixed } from './html.js';

/** The partition-comparison section: weight-graph vs coactivation modules. */
export function compareSection(result: CompareView): Section {
  const o = result.overall;
  return {
    kind: 'modscope/compare',
    title: `Weight-graph vs coactivation modules of ${result.model}`,
    subtitle: `${count(o.n)} hidden units, k = ${result.k}; the ${result.partitions.weights === 'weights' ? 'weight-graph' : result.partitions.weights} partition vs the ${result.partitions.coactivation} partition on ${result.dataset}; null: ${count(o.permutations)} permutations of one partition's labels`,
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
    blocks: [{ type: 'figure', figure: agreementFigure(result), wide: true }],
  };
}
