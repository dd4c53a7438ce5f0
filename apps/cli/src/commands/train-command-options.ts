/** The options of `modscope train`, as commander parses them (a classifier on --data, `--arch gpt` on --text). */
export interface TrainCommandOptions {
  data?: string;
  text?: string[];
  arch?: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: 'adam' | 'adamw' | 'sgd';
  dropout?: number;
  l1?: number;
  l2?: number;
  prune?: number;
  clusterableInit?: boolean;
  spectralReg?: number | true;
  spectralEvery?: number;
  poison?: string;
  trigger?: string;
  limit?: number;
  testLimit?: number;
  seed: number;
  out: string;
  json?: boolean;
}
