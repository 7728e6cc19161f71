/** What a `LifeboatError` carries besides its code and log message. */
export interface LifeboatErrorOptions {
  /** A complete, plain sentence safe to show Slack users: what happened and what to do next. */
  userMessage?: string;
  /** What an operator should check or do, naming the setting; for logs and readiness. */
  hint?: string;
  /** The failure this one wraps (ES2022 `Error.cause`). */
  cause?: unknown;
}

/**
 * The base of every failure Lifeboat reports (in the style of bolt-js's `CodedError`): a stable
 * `code` that logs, /readyz and tests name; `message` for the log; and, for its two audiences, an
 * optional `userMessage` for Slack and `hint` for the operator. Callers pick the words by asking
 * the error, not by testing which subclass it is.
 */
export abstract class LifeboatError<Code extends string = string> extends Error {
  readonly code: Code;
  // `declare`: absent unless given, as on the errors these classes replaced.
  declare readonly userMessage?: string;
  declare readonly hint?: string;

  constructor(code: Code, message: string, options: LifeboatErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.userMessage !== undefined) this.userMessage = options.userMessage;
    if (options.hint !== undefined) this.hint = options.hint;
  }
}
