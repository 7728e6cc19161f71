import { LifeboatError } from '../core/lifeboat-error.js';
import { describeAwsError, type AwsErrorInfo } from './aws-error.js';

/**
 * A failed gateway call, tagged with the IAM action that was attempted (`rds:PromoteReadReplica`)
 * and the region, so messages can name the permission or resource to check. Its `code` is the AWS
 * code without the SDK's `Fault` suffix (`InvalidDBInstanceState`, `AccessDenied`): callers turn it
 * into a LIFEBOAT_* code (awsActionError) where it becomes a Lifeboat failure.
 */
export class AwsGatewayError extends LifeboatError {
  readonly info: AwsErrorInfo;

  constructor(
    readonly action: string,
    readonly region: string | undefined,
    readonly original: unknown,
  ) {
    const info = describeAwsError(original);
    super(awsCode(info.code), `${action}${region ? ` in ${region}` : ''} failed: ${info.code}: ${info.message}`);
    this.name = 'AwsGatewayError';
    this.info = info;
  }
}

/**
 * RDS names its SDK v3 exceptions `InvalidDBInstanceStateFault` while its API reference and wire
 * protocol say `InvalidDBInstanceState` (SDK error table: [`InvalidDBInstanceState`, 400]); both
 * spellings mean the same error, so comparisons use the bare code.
 */
export function awsCode(code: string): string {
  return code.endsWith('Fault') ? code.slice(0, -'Fault'.length) : code;
}

/** True when the error says the named resource does not exist (a describe answered "none"). */
export function isNotFound(err: unknown): boolean {
  const code = awsCode(describeAwsError(err).code);
  return code.endsWith('NotFound') || code.startsWith('NoSuch');
}

/** Runs `call`, turning any failure into an `AwsGatewayError` for `action` in `region`. */
export async function gatewayCall<T>(action: string, region: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new AwsGatewayError(action, region, err);
  }
}

/** Like `gatewayCall`, but a not-found error answers null instead of throwing. */
export async function gatewayLookup<T>(action: string, region: string | undefined, call: () => Promise<T | null>): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err)) return null;
    throw new AwsGatewayError(action, region, err);
  }
}
