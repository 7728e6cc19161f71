/**
 * Coded store errors. They live here until a shared `src/errors.ts` exists; the codes are the
 * stable part (logs and /readyz name them), the messages say what to check.
 */
export type StoreErrorCode = 'LIFEBOAT_STORE_UNAVAILABLE' | 'LIFEBOAT_STORE_CORRUPT_VALUE' | 'LIFEBOAT_STORE_INVALID_ARGUMENT';

/** A store failure with a code; `key` names the stored key when one is involved. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly key?: string;

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options: { key?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.key !== undefined) this.key = options.key;
  }
}
