import type { Evaluator, Network } from '@modscope/core';
import type { Capability } from './capability.js';
import { capabilityCount, capabilityMetrics, type CapabilityInputs } from './score-units.js';

/** Forget and retain metrics of one network; for a trigger, also the raw rates behind the forget metric. */
export interface CapabilityFigures {
  forget: number;
  retain: number;
  /** A trigger's raw rates: triggered inputs, and the same inputs without the trigger, predicted as the target. */
  attack?: { triggered: number; clean: number };
}

/** The forget and retain metrics of `network` (and a trigger's raw rates) on the capability's inputs. */
export async function figuresOf(
  createEvaluator: (network: Network) => Promise<Evaluator>,
  network: Network,
  capability: Capability,
  data: CapabilityInputs,
): Promise<CapabilityFigures> {
  const evaluator = await createEvaluator(network);
  try {
    // The capability's inputs are laid out once, for the original network; its copies share the layout.
    const { logits, outputs } = await evaluator.run({ inputs: data.inputs, count: capabilityCount(data) });
    const metrics = capabilityMetrics(capability, data, logits, outputs);
    const forgetLogits = logits.subarray(0, (data.forgetCount + data.controlCount) * outputs);
    return capability.attackRates ? { ...metrics, attack: capability.attackRates(forgetLogits, outputs) } : metrics;
  } finally {
    await evaluator.dispose();
  }
}

/** The forget and retain metrics alone: a point of a curve. */
export async function metricsOf(
  createEvaluator: (network: Network) => Promise<Evaluator>,
  network: Network,
  capability: Capability,
  data: CapabilityInputs,
): Promise<{ forget: number; retain: number }> {
  const { attack: _raw, ...metrics } = await figuresOf(createEvaluator, network, capability, data);
  return metrics;
}
