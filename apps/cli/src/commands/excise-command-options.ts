/** The options of `modscope excise`, as commander parses them (a classifier on --data, a language model on --text). */
export interface ExciseCommandOptions {
  data?: string;
  text?: string[];
  tokenizer?: string;
  forget: string;
  trigger?: string;
  /** A class (a classifier's backdoor) or text (a language model's), as typed. */
  target?: string;
  budget?: number;
  forgetTarget?: number;
  finetuneSteps: number;
  evaluateEvery: number;
  mask: 'held' | 'released';
  partition: string;
  /** Weights partition: a name of `PARTITIONERS`, or a partitioner package name or path. Default spectral. */
  partitioner?: string;
  k: number;
  methods: string;
  /** Default: as the model's train.json says, else until the floor's retain accuracy matches (`runExcise`). */
  neverTrainedEpochs?: number;
  /** False with --no-never-trained. */
  neverTrained: boolean;
  relearn: string;
  relearnSteps: number;
  relearnMix: number;
  /** `all` (default) or methods, comma-separated: where the relearning attack starts (and the floor). */
  relearnFrom: string;
  seed: number;
  limit?: number;
  trainLimit?: number;
  batchSize?: number;
  learningRate?: number;
  json?: string;
  report?: string;
}
