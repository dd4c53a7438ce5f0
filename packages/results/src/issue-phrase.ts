import type { z } from 'zod';

/** `a or b`; `a, b or c`. */
const listed = (items: readonly string[]) =>
  items.length <= 2 ? items.join(' or ') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

const NOUNS: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  tuple: 'an array',
  null: 'null',
};

/** What a JSON value is, in words: `missing`, `null`, `an array`, `a string ("low")`. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value} (${JSON.stringify(value).slice(0, 40)})`;
}

const entries = (n: number) => `${n} ${n === 1 ? 'entry' : 'entries'}`;

/**
 * The zod error map of `parseResult`: an issue as the phrase that follows the field's path in a one-line
 * error (`is a string ("low"), expected a number`). Issues it has no phrase for keep zod's message.
 */
export function issuePhrase(issue: z.core.$ZodRawIssue): string | undefined {
  const input: unknown = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int' && typeof input === 'number') return `is ${input}, expected an integer`;
      return `is ${describeValue(input)}, expected ${NOUNS[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `is ${describeValue(input)}, expected ${listed(issue.values.map((v) => JSON.stringify(v)))}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      if (Array.isArray(input)) {
        if (input.length === 0) return `is empty, expected at least ${entries(Number(bound))}`;
        return `has ${entries(input.length)}, expected ${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)}`;
      }
      const sign = issue.code === 'too_small' ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
      return `is ${String(input)}, expected a number ${sign} ${String(bound)}`;
    }
    case 'invalid_union': {
      // a tagged union (`forget: { kind: 'domain' | 'trigger', … }`) with an unknown tag: the issue sits at the tag, its input is the object
      const options = (issue as { options?: readonly unknown[] }).options;
      if (!issue.discriminator || !options?.length) return undefined;
      const tag = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[issue.discriminator] : undefined;
      return `is ${describeValue(tag)}, expected ${listed(options.map((v) => JSON.stringify(v)))}`;
    }
    default:
      return undefined;
  }
}

/** `subclusters[2].drop`, `nulls.layer.z`: a field's path as the messages name it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}
