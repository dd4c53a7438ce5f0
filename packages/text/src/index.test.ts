import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/text', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'TEXT_WINDOW_DEFAULTS',
        'checkTokenizerFits',
        'createCharTokenizer',
        'createNextTokenScorer',
        'cutWindows',
        'loadGpt2Tokenizer',
        'loadTextWindows',
        'parseCharVocabulary',
        'parseCorpusSpec',
        'readCharTokenizer',
        'readCorpusManifest',
        'scoreNextTokens',
        'selectWindows',
        'tokenizeCorpus',
      ].sort(),
    );
  });
});
