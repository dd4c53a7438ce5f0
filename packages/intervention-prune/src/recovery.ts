/** One point of a recovery curve: forget and retain metrics after `step` fine-tuning steps. */
export interface CurvePoint {
  step: number;
  forget: number;
  retain: number;
}

export interface RecoveryStats {
  /** First recorded step at which the forget metric regained half of what pruning removed; null if never. */
  stepsToHalf: number | null;
  /** Mean forget metric over the curve (trapezoidal area under the curve divided by its length in steps). */
  forgetArea: number;
  finalForget: number;
  finalRetain: number;
}

/**
 * Summarizes a recovery curve (method §6): `before` is the forget metric of the intact network, the
 * curve's first point the pruned network before fine-tuning.
 */
export function recoveryStats(curve: readonly CurvePoint[], before: number): RecoveryStats {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (!first || !last) return { stepsToHalf: null, forgetArea: Number.NaN, finalForget: Number.NaN, finalRetain: Number.NaN };
  const half = first.forget + (before - first.forget) / 2;
  const removed = before - first.forget;
  const reached = removed > 0 ? curve.find((p) => p.forget >= half) : undefined;
  let area = 0;
  for (let i = 1; i < curve.length; i++) area += ((curve[i]!.forget + curve[i - 1]!.forget) / 2) * (curve[i]!.step - curve[i - 1]!.step);
  const span = last.step - first.step;
  return {
    stepsToHalf: reached ? reached.step - first.step : null,
    forgetArea: span > 0 ? area / span : first.forget,
    finalForget: last.forget,
    finalRetain: last.retain,
  };
}

/** A relearning attack whose retain metric fell by more than this is degenerate, not recovery (method §6.7). */
export const DEGENERATE_RETAIN_DROP = 0.1;

/**
 * How far the retain metric fell over a curve (first point minus last), and whether that makes the run
 * degenerate (method §6.7): a network that fits the attack's data by predicting one class everywhere
 * "relearns" the capability by collapsing, which says nothing about whether it was removed.
 */
export function retainCollapse(curve: readonly CurvePoint[]): { retainDrop: number; degenerate: boolean } {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (!first || !last) return { retainDrop: Number.NaN, degenerate: false };
  const retainDrop = first.retain - last.retain;
  return { retainDrop, degenerate: retainDrop > DEGENERATE_RETAIN_DROP };
}
