import { InvalidArgumentError } from '@modscope/core';

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
