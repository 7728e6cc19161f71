import { LifeboatError } from '../core/lifeboat-error.js';

/** Coded store errors: the codes are the stable part (logs and /readyz name them), the messages say what to check. */
export type StoreErrorCode = 'LIFEBOAT_STORE_UNAVAILABLE' | 'LIFEBOAT_STORE_CORRUPT_VALUE' | 'LIFEBOAT_STORE_INVALID_ARGUMENT';

/** A store failure with a code; `key` names the stored key when one is involved. */
export class StoreError extends LifeboatError<StoreErrorCode> {
  override readonly name = 'StoreError';
  readonly key?: string;

  constructor(code: StoreErrorCode, message: string, options: { key?: string; cause?: unknown } = {}) {
    super(code, message, {
      userMessage: 'Lifeboat cannot reach its state store right now, so it could not finish this. Try again in a minute.',
      hint: 'check REDIS_URL and Redis',
      cause: options.cause,
    });
    if (options.key !== undefined) this.key = options.key;
  }
}
