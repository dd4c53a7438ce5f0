export {
  CLUSTER_RESULT_KIND,
  CLUSTER_RESULT_VERSION,
  COMPARE_RESULT_KIND,
  COMPARE_RESULT_VERSION,
  EXCISE_RESULT_KIND,
  EXCISE_RESULT_VERSION,
  LESION_RESULT_KIND,
  LESION_RESULT_VERSION,
  RESULT_KINDS,
  TRAIN_RESULT_KIND,
  TRAIN_RESULT_VERSION,
  type ResultKind,
  type ResultKindInfo,
} from './result-kinds.js';
export { clusterResultSchema, type ClusterResultFile } from './cluster-result-schema.js';
export { lesionResultSchema, type LesionResultFile } from './lesion-result-schema.js';
export { compareResultSchema, type CompareResultFile } from './compare-result-schema.js';
export { exciseResultSchema, type ExciseResultFile } from './excise-result-schema.js';
export { trainResultSchema, type TrainResultFile } from './train-result-schema.js';
export { parseResult, type ParseResultOptions, type ResultFile, type ResultFileOf, type ResultReader } from './parse-result.js';
export { readResultFile } from './read-result-file.js';
export { resultJsonSchema } from './result-json-schema.js';
export { resultJsonText } from './format.js';
