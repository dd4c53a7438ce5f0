import type { ResultReader } from './result-reader.js';

export interface RecoveryPoint {
  step: number;
  /** Accuracy on the forget set (the capability removed) and on the retain set. */
  forget: number;
  retain: number;
}

export interface ExciseMethod {
  name: string;
  /** A baseline (random units, no pruning, …) rather than the method under test. */
  baseline: boolean;
  /** Units pruned, when given. */
  units?: number;
  curve: RecoveryPoint[];
}

/**
 * `modscope excise --json` (kind `modscope/excise`, version 1; provisional until the command lands): the
 * recovery of forget and retain accuracy under fine-tuning for each excision method and baseline, and the
 * never-trained floor (a model trained on retain data only), the method's §6.
 */
export interface ExciseResult {
  kind: 'modscope/excise';
  version: 1;
  model: string;
  dataset?: string;
  /** What the forget and retain sets are, in words. */
  forget?: string;
  retain?: string;
  methods: ExciseMethod[];
  floor?: { forget: number; retain?: number };
}

export function readExciseResult(r: ResultReader, value: unknown): ExciseResult {
  const o = r.object(value, '');
  const methods = r.array(o.methods, 'methods').map((m, i): ExciseMethod => {
    const method = r.object(m, `methods[${i}]`);
    const at = (f: string) => `methods[${i}].${f}`;
    const curve = r.array(method.curve, at('curve')).map((p, j) => {
      const point = r.object(p, `${at('curve')}[${j}]`);
      const pt = (f: string) => `${at('curve')}[${j}].${f}`;
      return { step: r.number(point.step, pt('step')), forget: r.number(point.forget, pt('forget')), retain: r.number(point.retain, pt('retain')) };
    });
    if (curve.length === 0) r.fail(at('curve'), 'is empty, expected at least one point');
    return {
      name: r.string(method.name, at('name')),
      baseline: method.baseline === undefined ? false : method.baseline === true,
      ...(method.units !== undefined ? { units: r.integer(method.units, at('units')) } : {}),
      curve,
    };
  });
  if (methods.length === 0) r.fail('methods', 'is empty, expected at least one method');
  const floor = r.optional(o.floor, (f) => {
    const fl = r.object(f, 'floor');
    return { forget: r.number(fl.forget, 'floor.forget'), ...(fl.retain !== undefined ? { retain: r.number(fl.retain, 'floor.retain') } : {}) };
  });
  return {
    kind: 'modscope/excise',
    version: 1,
    model: r.string(o.model, 'model'),
    ...(o.dataset !== undefined ? { dataset: r.string(o.dataset, 'dataset') } : {}),
    ...(o.forget !== undefined ? { forget: r.string(o.forget, 'forget') } : {}),
    ...(o.retain !== undefined ? { retain: r.string(o.retain, 'retain') } : {}),
    methods,
    ...(floor ? { floor } : {}),
  };
}
