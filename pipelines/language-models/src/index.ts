export {
  corpusDomains,
  loadTextData,
  requireLanguageModel,
  resolveTokenizer,
  type TextData,
  type TextDataOptions,
  type TextSplit,
} from './text-data.js';
export { runEvaluateText, scoreWindows, type EvaluateTextOptions, type ScoreWindowsOptions, type TextEvaluation } from './evaluate-text.js';
