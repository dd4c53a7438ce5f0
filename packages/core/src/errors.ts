const marker = 'modscope.error';
const symbol = Symbol.for(marker);

/**
 * Base class of every error modscope throws on purpose. Messages say what is wrong and how to fix it;
 * subclasses carry the facts as structured fields so callers need not parse messages.
 */
export class ModscopeError extends Error {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the brand that isInstance reads through the symbol
  private readonly [symbol] = true;
  /** Stable machine-readable code, e.g. `missing-file`. */
  readonly code: string;
  /** What the user can do about it. Already part of `message`; kept separately for UIs. */
  readonly hint: string | undefined;

  constructor(options: { code: string; message: string; hint?: string; cause?: unknown }) {
    super(options.hint ? `${options.message} ${options.hint}` : options.message, { cause: options.cause });
    this.name = 'ModscopeError';
    this.code = options.code;
    this.hint = options.hint;
  }

  /** True for any modscope error, also one thrown by another copy of this package. */
  static isInstance(error: unknown): error is ModscopeError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[symbol] === true;
  }
}

/** A model uses an operation modscope cannot represent. */
export class UnsupportedOpError extends ModscopeError {
  readonly op: string;
  readonly node: string;
  constructor(options: { op: string; node: string; format?: string; hint?: string }) {
    super({
      code: 'unsupported-op',
      message: `Unsupported ${options.format ? `${options.format} ` : ''}operation '${options.op}' at node '${options.node}'.`,
      hint:
        options.hint ??
        'modscope supports dense, convolution, batch norm, activation, pooling, flatten/reshape, residual add, dropout and softmax layers; re-export the model with only those, or open an issue naming the op.',
    });
    this.name = 'UnsupportedOpError';
    this.op = options.op;
    this.node = options.node;
  }
}

/** A tensor, dataset or weight has a shape other than the one required. */
export class ShapeMismatchError extends ModscopeError {
  readonly what: string;
  readonly expected: readonly number[] | string;
  readonly actual: readonly number[] | string;
  constructor(options: {
    what: string;
    expected: readonly number[] | string;
    actual: readonly number[] | string;
    hint?: string;
  }) {
    const show = (s: readonly number[] | string) => (typeof s === 'string' ? s : `[${s.join(', ')}]`);
    super({
      code: 'shape-mismatch',
      message: `Shape mismatch for ${options.what}: expected ${show(options.expected)}, got ${show(options.actual)}.`,
      hint: options.hint,
    });
    this.name = 'ShapeMismatchError';
    this.what = options.what;
    this.expected = options.expected;
    this.actual = options.actual;
  }
}

/** A file exists but its content cannot be read as the format it claims to be. */
export class CorruptFileError extends ModscopeError {
  readonly path: string;
  readonly format: string;
  readonly reason: string;
  constructor(options: { path: string; format: string; reason: string; hint?: string; cause?: unknown }) {
    super({
      code: 'corrupt-file',
      message: `${options.path} is not a valid ${options.format} file: ${options.reason}.`,
      hint: options.hint ?? 'The file may be truncated or of another format; re-export or re-download it.',
      cause: options.cause,
    });
    this.name = 'CorruptFileError';
    this.path = options.path;
    this.format = options.format;
    this.reason = options.reason;
  }
}

/** A file or directory that is needed does not exist. */
export class MissingFileError extends ModscopeError {
  readonly path: string;
  constructor(options: { path: string; what?: string; hint?: string }) {
    super({
      code: 'missing-file',
      message: `${options.what ? `${options.what} not found` : 'File not found'}: ${options.path}.`,
      hint: options.hint ?? 'Check the path, or pass the file explicitly.',
    });
    this.name = 'MissingFileError';
    this.path = options.path;
  }
}

/** An argument or option has a value that cannot work. */
export class InvalidArgumentError extends ModscopeError {
  readonly argument: string;
  constructor(options: { argument: string; message: string; hint?: string }) {
    super({ code: 'invalid-argument', message: options.message, hint: options.hint });
    this.name = 'InvalidArgumentError';
    this.argument = options.argument;
  }
}

/** No registered plugin can handle a source (a model path, a dataset name, a partitioner name). */
export class NoHandlerError extends ModscopeError {
  readonly source: string;
  readonly tried: readonly string[];
  constructor(options: { kind: string; source: string; tried: readonly string[]; hint?: string }) {
    super({
      code: 'no-handler',
      message: `No ${options.kind} can handle '${options.source}' (tried: ${options.tried.join(', ') || 'none'}).`,
      hint: options.hint,
    });
    this.name = 'NoHandlerError';
    this.source = options.source;
    this.tried = options.tried;
  }
}

/**
 * A plugin that cannot be used: not installed where it was looked for (`missing-plugin`), or found but
 * failing to load or not implementing its interface (`invalid-plugin`).
 */
export class PluginError extends ModscopeError {
  /** The package name, path or module the plugin was given as. */
  readonly plugin: string;
  constructor(options: { code: 'missing-plugin' | 'invalid-plugin'; plugin: string; message: string; hint: string; cause?: unknown }) {
    super(options);
    this.name = 'PluginError';
    this.plugin = options.plugin;
  }
}
