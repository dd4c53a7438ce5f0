// everything the format entry has (kinds, versions, resultJsonText), then the schemas and readers
export * from './format.js';
export { clusterResultSchema, type ClusterResultFile } from './cluster-result-schema.js';
export { lesionResultSchema, type LesionResultFile } from './lesion-result-schema.js';
export { compareResultSchema, type CompareResultFile } from './compare-result-schema.js';
export { textLesionResultSchema, type TextLesionResultFile } from './text-lesion-result-schema.js';
export { textCompareResultSchema, type TextCompareResultFile } from './text-compare-result-schema.js';
export { exciseResultSchema, type ExciseResultFile } from './excise-result-schema.js';
export { textExciseResultSchema, type TextExciseResultFile } from './text-excise-result-schema.js';
export { agentExciseResultSchema, type AgentExciseResultFile } from './agent-excise-result-schema.js';
export { agentLesionResultSchema, type AgentLesionResultFile } from './agent-lesion-result-schema.js';
export { agentTrainResultSchema, type AgentTrainResultFile } from './agent-train-result-schema.js';
export { trainResultSchema, type TrainResultFile } from './train-result-schema.js';
export { textTrainResultSchema, type TextTrainResultFile } from './text-train-result-schema.js';
export { parseResult, type ParseResultOptions, type ResultFile, type ResultFileOf, type ResultReader } from './parse-result.js';
export { readResultFile } from './read-result-file.js';
export { resultJsonSchema } from './result-json-schema.js';
