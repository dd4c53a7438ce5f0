import type { ResultReader } from './result-reader.js';

export interface RecoveryPoint {
  step: number;
  /** The forget metric (accuracy on the forgotten classes, or the attack success rate) and retain accuracy. */
  forget: number;
  retain: number;
}

/** Summary of a recovery curve (`recoveryStats` of `@modscope/intervention-prune`). */
export interface RecoveryStats {
  /** Steps until the forget metric regained half of what pruning removed; null: never within the run. */
  stepsToHalf: number | null;
  /** Mean forget metric over the curve. */
  forgetArea: number;
  finalForget: number;
  finalRetain: number;
}

export interface ExciseMethod {
  name: string;
  /** Which method: `module`, `random`, `magnitude`, `selective`, `none`, when given. */
  method?: string;
  /** A baseline (random units, no pruning, …) rather than the method under test. */
  baseline: boolean;
  /** Units pruned, when given. */
  units?: number;
  /** Forget metric and retain accuracy right after pruning, before fine-tuning, when given. */
  forget?: number;
  retain?: number;
  curve: RecoveryPoint[];
  stats?: RecoveryStats;
  /** L2 distance of the fine-tuned weights from the original network's. */
  weightDistance?: number;
}

/** One relearning attack: fine-tuning on a few forget examples, from the pruned model or the never-trained one. */
export interface RelearnAttack {
  model: string;
  examples: number;
  /** Retain examples mixed in with the forget examples (0: forget examples only). */
  retainExamples?: number;
  curve: RecoveryPoint[];
  stats?: RecoveryStats;
}

/**
 * `modscope excise --json` (kind `modscope/excise`, version 1): the recovery of the forget metric and the
 * retain accuracy under fine-tuning on retain data for each excision method and baseline, the never-trained
 * floor (a model trained on retain data only) and the relearning attack, the method's §6.
 */
export interface ExciseResult {
  kind: 'modscope/excise';
  version: 1;
  model: string;
  dataset?: string;
  /** What the forget and retain sets are, in words. */
  forget?: string;
  retain?: string;
  /** What the forget metric is, e.g. `attack success rate`. */
  forgetMetric?: string;
  intact?: { forget: number; retain: number };
  /** Whether pruned weights were held at zero while fine-tuning (`held`) or free to regrow (`released`). */
  mask?: string;
  steps?: number;
  methods: ExciseMethod[];
  floor?: { forget: number; retain?: number; epochs?: number };
  relearning: RelearnAttack[];
}

function readCurve(r: ResultReader, value: unknown, path: string): RecoveryPoint[] {
  const curve = r.array(value, path).map((p, j) => {
    const point = r.object(p, `${path}[${j}]`);
    const pt = (f: string) => `${path}[${j}].${f}`;
    return {
      step: r.number(point.step, pt('step')),
      forget: r.number(point.forget, pt('forget')),
      retain: r.number(point.retain, pt('retain')),
    };
  });
  if (curve.length === 0) r.fail(path, 'is empty, expected at least one point');
  return curve;
}

function readStats(r: ResultReader, value: unknown, path: string): RecoveryStats {
  const s = r.object(value, path);
  return {
    stepsToHalf: s.stepsToHalf === null ? null : r.number(s.stepsToHalf, `${path}.stepsToHalf`),
    forgetArea: r.numberOrNull(s.forgetArea, `${path}.forgetArea`),
    finalForget: r.numberOrNull(s.finalForget, `${path}.finalForget`),
    finalRetain: r.numberOrNull(s.finalRetain, `${path}.finalRetain`),
  };
}

export function readExciseResult(r: ResultReader, value: unknown): ExciseResult {
  const o = r.object(value, '');
  const methods = r.array(o.methods, 'methods').map((m, i): ExciseMethod => {
    const method = r.object(m, `methods[${i}]`);
    const at = (f: string) => `methods[${i}].${f}`;
    return {
      name: r.string(method.name, at('name')),
      ...(method.method !== undefined ? { method: r.string(method.method, at('method')) } : {}),
      baseline: method.baseline === undefined ? false : method.baseline === true,
      ...(method.units !== undefined ? { units: r.integer(method.units, at('units')) } : {}),
      ...(method.forget !== undefined ? { forget: r.numberOrNull(method.forget, at('forget')) } : {}),
      ...(method.retain !== undefined ? { retain: r.numberOrNull(method.retain, at('retain')) } : {}),
      curve: readCurve(r, method.curve, at('curve')),
      ...(method.stats !== undefined ? { stats: readStats(r, method.stats, at('stats')) } : {}),
      ...(method.weightDistance !== undefined ? { weightDistance: r.numberOrNull(method.weightDistance, at('weightDistance')) } : {}),
    };
  });
  if (methods.length === 0) r.fail('methods', 'is empty, expected at least one method');
  // `floor: null` is a run without the never-trained model (--no-never-trained)
  const floor =
    o.floor === null
      ? undefined
      : r.optional(o.floor, (f) => {
          const fl = r.object(f, 'floor');
          return {
            forget: r.number(fl.forget, 'floor.forget'),
            ...(fl.retain !== undefined ? { retain: r.number(fl.retain, 'floor.retain') } : {}),
            ...(fl.epochs !== undefined ? { epochs: r.integer(fl.epochs, 'floor.epochs', 1) } : {}),
          };
        });
  const relearning = (r.optional(o.relearning, (v) => r.array(v, 'relearning')) ?? []).map((x, i): RelearnAttack => {
    const attack = r.object(x, `relearning[${i}]`);
    const at = (f: string) => `relearning[${i}].${f}`;
    return {
      model: r.string(attack.model, at('model')),
      examples: r.integer(attack.examples, at('examples'), 1),
      ...(attack.retainExamples !== undefined ? { retainExamples: r.integer(attack.retainExamples, at('retainExamples')) } : {}),
      curve: readCurve(r, attack.curve, at('curve')),
      ...(attack.stats !== undefined ? { stats: readStats(r, attack.stats, at('stats')) } : {}),
    };
  });
  const intact = r.optional(o.intact, (v) => {
    const x = r.object(v, 'intact');
    return { forget: r.number(x.forget, 'intact.forget'), retain: r.number(x.retain, 'intact.retain') };
  });
  return {
    kind: 'modscope/excise',
    version: 1,
    model: r.string(o.model, 'model'),
    ...(o.dataset !== undefined ? { dataset: r.string(o.dataset, 'dataset') } : {}),
    ...(o.forget !== undefined ? { forget: r.string(o.forget, 'forget') } : {}),
    ...(o.retain !== undefined ? { retain: r.string(o.retain, 'retain') } : {}),
    ...(o.forgetMetric !== undefined ? { forgetMetric: r.string(o.forgetMetric, 'forgetMetric') } : {}),
    ...(intact ? { intact } : {}),
    ...(o.mask !== undefined ? { mask: r.string(o.mask, 'mask') } : {}),
    ...(o.steps !== undefined ? { steps: r.integer(o.steps, 'steps') } : {}),
    methods,
    ...(floor ? { floor } : {}),
    relearning,
  };
}
