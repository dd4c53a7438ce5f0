import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';

export interface JsonSyntaxError {
  /** What is wrong, e.g. `expected a value` or `unexpected 'x' after the end of the JSON value`. */
  what: string;
  /** 1-based line and column (in UTF-16 code units, as editors count most text). */
  line: number;
  column: number;
}

// by jsonc-parser's error names (its codes are a const enum, which isolated modules cannot read)
const EXPECTED: Record<string, string> = {
  ValueExpected: 'a value',
  PropertyNameExpected: 'a property name in double quotes',
  ColonExpected: "':'",
  CommaExpected: "','",
  CloseBraceExpected: "'}'",
  CloseBracketExpected: "']'",
};

const PROBLEM: Record<string, string> = {
  EndOfFileExpected: 'after the end of the JSON value',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'incomplete number',
  InvalidEscapeCharacter: 'invalid escape in a string',
  InvalidUnicode: 'invalid \\u escape in a string',
  InvalidCharacter: 'control character inside a string',
  InvalidCommentToken: 'a comment, which JSON does not allow',
  UnexpectedEndOfComment: 'a comment, which JSON does not allow',
};

/** The text at an error, as a message shows it: a character in quotes, a control character by its code, or the end. */
function shown(text: string, offset: number, length: number): string {
  if (offset >= text.length) return 'end of input';
  const piece = text.slice(offset, offset + Math.max(1, Math.min(length, 20)));
  const code = piece.codePointAt(0)!;
  if (piece.length === 1 && (code < 0x20 || code === 0x7f || code === 0xfeff))
    return `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${piece}'`;
}

function words(text: string, error: ParseError): string {
  const name = printParseErrorCode(error.error);
  const expected = EXPECTED[name];
  if (expected) return `unexpected ${shown(text, error.offset, error.length)}, expected ${expected}`;
  if (name === 'EndOfFileExpected') return `unexpected ${shown(text, error.offset, error.length)} ${PROBLEM[name]}`;
  return PROBLEM[name] ?? `unexpected ${shown(text, error.offset, error.length)}`;
}

/**
 * Where the text stops being JSON, and why, found by jsonc-parser (strict: no comments, no trailing
 * commas, no empty document). V8's `JSON.parse` messages give a position for some errors and not for
 * others (`Unexpected token '}', "…" is not valid JSON`), so a failed parse is parsed again here.
 * Undefined when the parser finds nothing wrong, or gives up (nesting deeper than its recursion goes).
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const errors: ParseError[] = [];
  try {
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    return undefined; // nested too deep for the parser's recursion: the caller keeps JSON.parse's own message
  }
  const first = errors[0];
  if (!first) return undefined;
  const before = text.slice(0, first.offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { what: words(text, first), line: before.split('\n').length, column: first.offset - lineStart + 1 };
}
