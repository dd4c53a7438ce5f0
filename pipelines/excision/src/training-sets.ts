import type { Dataset } from '@modscope/core';
import { stampTrigger } from '@modscope/datasets';
import { capabilityFor, type ForgetSpec } from '@modscope/intervention-prune';

/** The capability's training-split counterparts: retain-only data, and forget examples for the relearning attack. */
export function trainingSets(train: Dataset, spec: ForgetSpec): { retain: Dataset; forget: Dataset } {
  if (spec.kind === 'class') {
    const capability = capabilityFor(train, spec);
    return { retain: capability.retain, forget: capability.forget };
  }
  // A backdoor's retain data is the clean training set; it is relearned from triggered inputs of the
  // other classes labelled with the target.
  const clean = capabilityFor(train, { kind: 'class', classes: [spec.target] }).retain;
  return { retain: train, forget: stampTrigger(clean, { ...spec.trigger, target: spec.target }) };
}
