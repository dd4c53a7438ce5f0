import { agentExciseSection } from './agent-excise-section.js';
import { agentLesionSection } from './agent-lesion-section.js';
import type { CheckedResult } from './check-result.js';
import { clusterSection } from './cluster-section.js';
import { compareSection } from './compare-section.js';
import { exciseSection } from './excise-section.js';
import type { Section } from './figure.js';
import { lesionSection, type ImageMap } from './lesion-section.js';
import { textCompareSection } from './text-compare-section.js';
import { textExciseSection } from './text-excise-section.js';
import { textLesionSection } from './text-lesion-section.js';

/** The section of the page that draws one checked result. Adding a kind is one case here and one in `checkResult`. */
export function resultSection(checked: CheckedResult, images: ImageMap): Section {
  switch (checked.kind) {
    case 'modscope/cluster':
      return clusterSection(checked.result);
    case 'modscope/lesion':
      return lesionSection(checked.result, images);
    case 'modscope/text-lesion':
      return textLesionSection(checked.result);
    case 'modscope/agent-lesion':
      return agentLesionSection(checked.result);
    case 'modscope/compare':
      return compareSection(checked.result);
    case 'modscope/text-compare':
      return textCompareSection(checked.result);
    case 'modscope/excise':
      return exciseSection(checked.result);
    case 'modscope/text-excise':
      return textExciseSection(checked.result);
    case 'modscope/agent-excise':
      return agentExciseSection(checked.result);
  }
}
