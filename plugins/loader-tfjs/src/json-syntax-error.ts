export interface JsonSyntaxError {
  /** What is wrong, e.g. `unexpected end of input` or `unexpected '}'`. */
  what: string;
  /** 1-based line and column (in UTF-16 code units, as editors count most text). */
  line: number;
  column: number;
}

const whitespace = new Set([' ', '\t', '\n', '\r']);
const escapes = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const hexDigit = /^[0-9a-fA-F]$/;
const number = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function show(char: string | undefined): string {
  if (char === undefined) return 'end of input';
  const code = char.codePointAt(0)!;
  return code < 0x20 || code === 0x7f || code === 0xfeff || code === 0xfffd
    ? `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    : `'${char}'`;
}

/** `what` at `offset` of `text`, with its line and column. */
function at(text: string, offset: number, what: string): JsonSyntaxError {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { what, line: before.split('\n').length, column: offset - lineStart + 1 };
}

/**
 * Where the text stops being JSON (RFC 8259), and why: V8's `JSON.parse` messages give a position for some
 * errors and not for others (`Unexpected token '}', "…" is not valid JSON`), so a failed parse is
 * scanned again here. Iterative, so deeply nested input cannot overflow the stack. Undefined when the
 * text is valid JSON.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const unexpected = (expected?: string) => at(text, i, `unexpected ${show(text[i])}${expected ? `, expected ${expected}` : ''}`);
  const skipWhitespace = () => {
    while (i < text.length && whitespace.has(text[i]!)) i++;
  };
  const scanString = (): JsonSyntaxError | undefined => {
    i++; // the opening quote
    for (;;) {
      const char = text[i];
      if (char === undefined) return at(text, i, 'unexpected end of input inside a string');
      if (char === '"') {
        i++;
        return undefined;
      }
      if (char.charCodeAt(0) < 0x20) return at(text, i, `unescaped ${show(char)} inside a string`);
      if (char === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          for (let k = 2; k < 6; k++) {
            if (!hexDigit.test(text[i + k] ?? '')) {
              i += k;
              return unexpected('a hex digit of a \\u escape');
            }
          }
          i += 6;
          continue;
        }
        if (next === undefined || !escapes.has(next)) {
          i++;
          return next === undefined ? at(text, i, 'unexpected end of input inside a string') : at(text, i, `invalid escape '\\${next}'`);
        }
        i += 2;
        continue;
      }
      i++;
    }
  };
  const stack: ('{' | '[')[] = [];
  /** Scans one scalar, or opens a container (pushed on `stack`). */
  const scanValue = (): JsonSyntaxError | undefined => {
    skipWhitespace();
    const char = text[i];
    if (char === '{' || char === '[') {
      stack.push(char);
      i++;
      return undefined;
    }
    if (char === '"') return scanString();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return undefined;
      }
    }
    number.lastIndex = i;
    if (number.test(text)) {
      i = number.lastIndex;
      return undefined;
    }
    return unexpected('a value');
  };

  let error = scanValue();
  let first = stack.length > 0; // a container just opened may close at once; after a member, ',' or close
  while (!error && stack.length > 0) {
    skipWhitespace();
    const top = stack[stack.length - 1]!;
    const close = top === '{' ? '}' : ']';
    if (text[i] === close) {
      stack.pop();
      i++;
      first = false;
      continue;
    }
    if (!first) {
      if (text[i] !== ',') return unexpected(`',' or '${close}'`);
      i++;
      skipWhitespace();
    }
    if (top === '{') {
      if (text[i] !== '"') return unexpected('a property name in double quotes');
      error = scanString();
      if (error) break;
      skipWhitespace();
      if (text[i] !== ':') return unexpected("':'");
      i++;
    }
    const depth = stack.length;
    error = scanValue();
    first = stack.length > depth;
  }
  if (error) return error;
  skipWhitespace();
  return i < text.length ? at(text, i, `unexpected ${show(text[i])} after the end of the JSON value`) : undefined;
}
