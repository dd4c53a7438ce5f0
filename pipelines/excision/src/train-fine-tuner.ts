import { cloneNetwork } from '@modscope/core';
import type { FineTuner } from '@modscope/intervention-prune';
import type { FineTuneOptions, LayerMask } from '@modscope/train';
import { type FineTuneSettings, trainSettings } from './fine-tune-settings.js';

/**
 * `fineTune` of `@modscope/train` as the `FineTuner` of `@modscope/intervention-prune`: held masks become
 * kernel masks plus unit masks (a pruned unit's zero bias), the curve callback gets the current weights.
 */
export async function trainFineTuner(settings: FineTuneSettings = {}): Promise<FineTuner> {
  const { fineTune } = await import('@modscope/train');
  return async (request) => {
    if (request.steps === 0) {
      await request.onEvaluate(request.network, 0);
      return cloneNetwork(request.network);
    }
    const masks: LayerMask[] | undefined = request.masks?.map((m) => ({
      layer: m.layer,
      kernel: m.kernel,
      ...(m.bias ? { units: m.bias } : {}),
    }));
    const tuneOptions: FineTuneOptions = {
      steps: request.steps,
      seed: request.seed,
      evaluateEvery: request.evaluateEvery,
      onEvaluate: (state) => request.onEvaluate(state.network(), state.step),
      ...(masks ? { masks } : {}),
      ...trainSettings(settings),
    };
    return (await fineTune(request.network, request.data, tuneOptions)).network;
  };
}
