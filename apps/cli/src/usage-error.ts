import { InvalidArgumentError, ModscopeError } from '@modscope/core';

/**
 * A command line that cannot work as given, found after parsing (an unknown name in a list, an unknown
 * `--partitioner`): like commander's own usage errors, it exits with status 2 (`main` decides).
 */
export class UsageError extends InvalidArgumentError {
  /** Marks the error for `main`, whichever copy of this module threw it. */
  readonly usage = true;
  constructor(options: { argument: string; message: string; hint: string }) {
    super(options);
    this.name = 'UsageError';
  }
}

/** Whether an error is a `UsageError`. */
export function isUsageError(error: unknown): error is UsageError {
  return (error as { usage?: unknown } | null)?.usage === true && InvalidArgumentError.isInstance(error);
}

/**
 * Runs a parse of option text and turns its `InvalidArgumentError` into a `UsageError` (exit 2): for
 * checks that need nothing but the command line, made before any work.
 */
export function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    // by code, not instanceof: the pipeline may hold another copy of @modscope/core
    if (!ModscopeError.isInstance(error) || error.code !== 'invalid-argument' || isUsageError(error)) throw error;
    const { argument, hint } = error as InvalidArgumentError;
    // the message ends with the hint (ModscopeError appends it); the new error appends it again
    const message = hint && error.message.endsWith(` ${hint}`) ? error.message.slice(0, -hint.length - 1) : error.message;
    throw new UsageError({ argument, message, hint: hint ?? '' });
  }
}
