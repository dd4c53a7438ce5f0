import { cloneNetwork, createRandom, type Dataset, type Network, prepareInputs } from '@modscope/core';
import { type FineTuneSettings, trainSettings } from './fine-tune-settings.js';

export interface NeverTrainedOptions extends FineTuneSettings {
  /** (number) — epochs of training from scratch. */
  epochs: number;
  /** (number) — seed of the fresh weights and of the shuffling. */
  seed: number;
}

/**
 * The never-trained model: the same architecture with fresh Glorot-uniform weights (zero biases,
 * identity batch norms), trained from scratch for `epochs` on retain data only.
 */
export async function trainNeverTrained(network: Network, retain: Dataset, options: NeverTrainedOptions): Promise<Network> {
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
  const result = await train(fresh, data, { epochs: options.epochs, seed: options.seed, ...trainSettings(options) });
  return result.network;
}
