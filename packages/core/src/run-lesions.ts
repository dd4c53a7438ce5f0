import { InvalidArgumentError } from './errors.js';
import type { Evaluator, LesionRequest, LesionResult } from './interfaces/evaluator.js';
import { getUnitLayer, type UnitLayer } from './unit-layers.js';

/**
 * The layer whose output a lesion masks (method §5). Without a normalization, the weighted layer's own
 * output: masking it equals zeroing the units' incoming weights and biases, so ReLU units output exactly
 * 0. Where a batch norm follows, the activation itself (its output), since the normalization would
 * otherwise turn the zeros back into values.
 */
export function lesionPoint(unit: UnitLayer): string {
  return unit.normalized ? unit.post : unit.layer;
}

/** Checks a lesion request: the layer is a unit layer and every lesion names distinct units inside it. */
export function checkLesionRequest(evaluator: Evaluator, request: LesionRequest): UnitLayer {
  const unit = getUnitLayer(evaluator.network, request.layer, 'layer');
  request.lesions.forEach((units, i) => {
    const seen = new Set<number>();
    for (const u of units) {
      if (!Number.isInteger(u) || u < 0 || u >= unit.units) {
        throw new InvalidArgumentError({
          argument: 'lesions',
          message: `Lesion ${i} names unit ${u} of layer '${request.layer}', which has units 0..${unit.units - 1}.`,
          hint: 'The partition does not match the model: cluster this model, or pass its own partition.',
        });
      }
      if (seen.has(u)) {
        throw new InvalidArgumentError({
          argument: 'lesions',
          message: `Lesion ${i} names unit ${u} twice.`,
          hint: 'Pass each unit once per lesion.',
        });
      }
      seen.add(u);
    }
  });
  return unit;
}

/** A 0/1 mask over `units` with zeros at the lesioned units. */
export function lesionMask(units: number, lesioned: ArrayLike<number>): Float32Array {
  const mask = new Float32Array(units).fill(1);
  for (let i = 0; i < lesioned.length; i++) mask[lesioned[i]!] = 0;
  return mask;
}

/**
 * Evaluates each lesion of one layer on the same inputs. Uses the evaluator's `runLesions` fast path
 * where it has one, and otherwise one masked evaluation per lesion; both give the same logits.
 */
export async function runLesions(evaluator: Evaluator, request: LesionRequest): Promise<LesionResult> {
  const unit = checkLesionRequest(evaluator, request);
  if (evaluator.runLesions) return evaluator.runLesions(request);
  const layer = lesionPoint(unit);
  const logits: Float32Array[] = [];
  let outputs = 0;
  for (const lesioned of request.lesions) {
    const result = await evaluator.run({
      inputs: request.inputs,
      count: request.count,
      masks: [{ layer, mask: lesionMask(unit.units, lesioned) }],
      ...(request.batchSize ? { batchSize: request.batchSize } : {}),
    });
    outputs = result.outputs;
    logits.push(result.logits);
    request.onProgress?.(logits.length, request.lesions.length);
  }
  return { outputs, logits };
}
