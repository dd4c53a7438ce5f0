import * as tf from '@tensorflow/tfjs';

type LayerVariable = tf.layers.Layer['weights'][number];

/** The attention projections, in the order of their weights. */
const attentionProjections = ['query', 'key', 'value'] as const;
type Projection = (typeof attentionProjections)[number];

export interface CausalSelfAttentionArgs {
  heads: number;
  headSize: number;
  /** Multiplies the query-key products (default 1/√headSize). */
  scale?: number;
  /** Which of the query, key and value projections have a bias (default all three). */
  queryBias?: boolean;
  keyBias?: boolean;
  valueBias?: boolean;
  name?: string;
  trainable?: boolean;
}

/**
 * Core's `attention` layer as a tfjs layer: causal multi-head self-attention up to, not including, the
 * output projection W_O (a Dense layer after it). From `[batch, positions, d]` to `[batch, positions,
 * heads × headSize]`, the heads' outputs concatenated head-major. Its weights are `query_kernel`,
 * `key_kernel`, `value_kernel` (`[d, heads × headSize]`, `[in, out]` as in Dense) and, where configured,
 * `query_bias`, `key_bias`, `value_bias`.
 */
export class ModscopeCausalSelfAttention extends tf.layers.Layer {
  static readonly className = 'ModscopeCausalSelfAttention';
  readonly heads: number;
  readonly headSize: number;
  readonly scale: number;
  readonly biases: Record<Projection, boolean>;
  private readonly kernels = new Map<Projection, LayerVariable>();
  private readonly biasWeights = new Map<Projection, LayerVariable>();

  constructor(args: CausalSelfAttentionArgs) {
    super(args);
    this.heads = args.heads;
    this.headSize = args.headSize;
    this.scale = args.scale ?? 1 / Math.sqrt(args.headSize);
    this.biases = { query: args.queryBias ?? true, key: args.keyBias ?? true, value: args.valueBias ?? true };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const d = shape[shape.length - 1]!;
    const width = this.heads * this.headSize;
    // GPT-2's initialization, for a model built from its config alone; toTfjsModel and loading overwrite it.
    const normal = tf.initializers.randomNormal({ stddev: 0.02 });
    for (const p of attentionProjections) this.kernels.set(p, this.addWeight(`${p}_kernel`, [d, width], 'float32', normal));
    for (const p of attentionProjections)
      if (this.biases[p]) this.biasWeights.set(p, this.addWeight(`${p}_bias`, [width], 'float32', tf.initializers.zeros()));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, shape[1] ?? null, this.heads * this.headSize];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
      const [batch, positions, d] = x.shape;
      const { heads, headSize } = this;
      const rows = tf.reshape(x, [batch * positions, d]);
      /** One projection as `[batch, heads, positions, headSize]`. */
      const project = (p: Projection) => {
        let y: tf.Tensor = tf.matMul(rows, this.kernels.get(p)!.read() as tf.Tensor2D);
        const bias = this.biasWeights.get(p);
        if (bias) y = tf.add(y, bias.read());
        return tf.transpose(tf.reshape(y, [batch, positions, heads, headSize]), [0, 2, 1, 3]);
      };
      const [q, k, v] = attentionProjections.map(project) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      // Position p sees positions 0…p: the later ones get a score so low that softmax gives them 0.
      const blocked = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([positions, positions]), -1, 0)), -1e30);
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), this.scale), blocked);
      const mixed = tf.matMul(tf.softmax(scores), v);
      return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, positions, heads * headSize]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      heads: this.heads,
      headSize: this.headSize,
      scale: this.scale,
      queryBias: this.biases.query,
      keyBias: this.biases.key,
      valueBias: this.biases.value,
    };
  }
}
