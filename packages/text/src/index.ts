export type { Tokenizer } from './tokenizer.js';
export { createCharTokenizer, parseCharVocabulary, readCharTokenizer, type CharVocabulary } from './char-tokenizer.js';
export { loadGpt2Tokenizer } from './gpt2-tokenizer.js';
export { checkTokenizerFits } from './check-tokenizer-fits.js';
