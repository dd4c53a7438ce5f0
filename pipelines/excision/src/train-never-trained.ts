import { cloneNetwork, createRandom, type Dataset, type LabelledExamples, type Network, prepareInputs } from '@modscope/core';
import { type FineTuneSettings, trainSettings } from './fine-tune-settings.js';

export interface NeverTrainedOptions extends FineTuneSettings {
  /** (number) — epochs of training from scratch; with `until`, the most epochs. */
  epochs: number;
  /** (number) — seed of the fresh weights and of the shuffling. */
  seed: number;
  /** (`'adam' | 'sgd'`, default Adam) — the optimizer, as the model's own training used it. */
  optimizer?: 'adam' | 'sgd';
  /** Stop after the first epoch whose accuracy on `examples` is at least `accuracy` (the floor matched to the intact model). */
  until?: { examples: LabelledExamples; accuracy: number };
}

export interface NeverTrained {
  network: Network;
  /** Epochs trained. */
  epochs: number;
  /** With `until`: whether the accuracy was reached within `epochs`. */
  reached?: boolean;
}

/**
 * The never-trained model: the same architecture with fresh Glorot-uniform weights (zero biases,
 * identity batch norms), trained from scratch on retain data only, for `epochs` or, with `until`, until
 * its accuracy on `until.examples` reaches `until.accuracy` (checked after every epoch, at most `epochs`).
 */
export async function trainNeverTrained(network: Network, retain: Dataset, options: NeverTrainedOptions): Promise<NeverTrained> {
  const { glorotUniform, train } = await import('@modscope/train');
  const fresh = cloneNetwork(network);
  const random = createRandom(options.seed).fork(7);
  fresh.layers.forEach((layer, i) => {
    if (layer.kind === 'dense') {
      const [fanIn, fanOut] = layer.kernelShape;
      layer.kernel.set(glorotUniform(random.fork(i), layer.kernel.length, fanIn, fanOut));
      layer.bias?.fill(0);
    } else if (layer.kind === 'conv2d') {
      const [kh, kw, cin, cout] = layer.kernelShape;
      layer.kernel.set(glorotUniform(random.fork(i), layer.kernel.length, kh * kw * cin, kh * kw * cout));
      layer.bias?.fill(0);
    } else if (layer.kind === 'batchnorm') {
      layer.gamma.fill(1);
      layer.beta.fill(0);
      layer.mean.fill(0);
      layer.variance.fill(1);
    }
  });
  const data = { inputs: prepareInputs(retain, fresh), count: retain.count, labels: retain.labels, classes: retain.classes };
  const settings = { seed: options.seed, ...trainSettings(options), ...(options.optimizer ? { optimizer: options.optimizer } : {}) };
  const until = options.until;
  if (!until) {
    const result = await train(fresh, data, { epochs: options.epochs, ...settings });
    return { network: result.network, epochs: options.epochs };
  }
  // one evaluation per epoch; the first to reach the accuracy stops the training (through its abort signal)
  const stepsPerEpoch = Math.ceil(retain.count / (options.batchSize ?? 64));
  const stop = new AbortController();
  const reachedAt: { network: Network; epochs: number }[] = [];
  const reached = Symbol('reached');
  try {
    const result = await train(fresh, data, {
      epochs: options.epochs,
      ...settings,
      evaluateEvery: stepsPerEpoch,
      signal: stop.signal,
      onEvaluate: (state) => {
        if (state.step === 0 || state.step % stepsPerEpoch !== 0) return;
        if (state.evaluate(until.examples).accuracy >= until.accuracy) {
          reachedAt.push({ network: state.network(), epochs: state.step / stepsPerEpoch });
          stop.abort(reached);
        }
      },
    });
    return { network: result.network, epochs: options.epochs, reached: false };
  } catch (error) {
    if (error !== reached || reachedAt.length === 0) throw error;
    return { ...reachedAt[0]!, reached: true };
  }
}
