import * as tf from '@tensorflow/tfjs';

type LayerVariable = tf.layers.Layer['weights'][number];

export interface TokenPositionEmbeddingArgs {
  /** Token ids run from 0 to `vocabulary − 1`. */
  vocabulary: number;
  /** The model width d. */
  units: number;
  /** The longest sequence the model reads: the position table's rows. */
  context: number;
  /** Whether learned absolute positions are added (default true). */
  positions?: boolean;
  name?: string;
  trainable?: boolean;
}

/**
 * Core's `embedding` layer as a tfjs layer: `out[b, p] = tokens[ids[b, p]] + positions[p]`, from token ids
 * `[batch, positions]` (any number of positions up to `context`) to `[batch, positions, units]`. Its weights
 * are `tokens` `[vocabulary, units]` and, with positions, `positions` `[context, units]`.
 */
export class ModscopeTokenPositionEmbedding extends tf.layers.Layer {
  static readonly className = 'ModscopeTokenPositionEmbedding';
  readonly vocabulary: number;
  readonly units: number;
  readonly context: number;
  readonly usePositions: boolean;
  private tokens: LayerVariable | null = null;
  private positions: LayerVariable | null = null;

  constructor(args: TokenPositionEmbeddingArgs) {
    super(args);
    this.vocabulary = args.vocabulary;
    this.units = args.units;
    this.context = args.context;
    this.usePositions = args.positions ?? true;
  }

  override build(): void {
    // GPT-2's initialization, for a model built from its config alone; toTfjsModel and loading overwrite it.
    const normal = tf.initializers.randomNormal({ stddev: 0.02 });
    this.tokens = this.addWeight('tokens', [this.vocabulary, this.units], 'float32', normal);
    if (this.usePositions) this.positions = this.addWeight('positions', [this.context, this.units], 'float32', normal);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, shape[1] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(Array.isArray(inputs) ? inputs[0]! : inputs, 'int32');
      const positions = ids.shape[1]!;
      if (this.positions && positions > this.context)
        throw new RangeError(
          `${ModscopeTokenPositionEmbedding.className} '${this.name}': ${positions} positions, more than its context of ${this.context}`,
        );
      const y = tf.gather(this.tokens!.read(), ids);
      return this.positions ? tf.add(y, tf.slice(this.positions.read(), [0, 0], [positions, this.units])) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabulary: this.vocabulary, units: this.units, context: this.context, positions: this.usePositions };
  }
}
