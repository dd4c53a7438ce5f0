import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/text', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      ['checkTokenizerFits', 'createCharTokenizer', 'loadGpt2Tokenizer', 'parseCharVocabulary', 'readCharTokenizer'].sort(),
    );
  });
});
