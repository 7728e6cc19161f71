/** What an on-call engineer needs from a failed AWS call: the AWS code, a message, and whether retrying may help. */
export interface AwsErrorInfo {
  /** AWS error code (`Throttling`, `AccessDenied`, `DBInstanceNotFound`) or a Node errno (`ECONNREFUSED`). */
  code: string;
  message: string;
  /** True for throttling, timeouts, 5xx and network failures: the next run may succeed unchanged. */
  retryable: boolean;
}

// Mirrors the SDK's own classification (@smithy/core retry/service-error-classification
// THROTTLING_ERROR_CODES / TRANSIENT_ERROR_CODES / NODEJS_*_ERROR_CODES), which is not a
// public dependency of ours, so the lists are kept here. InternalFailure/ServiceUnavailable are
// the AWS common (5xx) error codes.
const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'InternalFailure', 'ServiceUnavailable']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const ACCESS_DENIED_CODES = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);
const CREDENTIAL_CODES = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
]);

interface ErrorLike {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Turns anything an SDK v3 call may throw into a code, a one-line message and a retryable flag. */
export function describeAwsError(err: unknown): AwsErrorInfo {
  if (typeof err !== 'object' || err === null) {
    return { code: 'UnknownError', message: String(err), retryable: false };
  }
  const e = err as ErrorLike;
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  // SDK v3 service exceptions carry the AWS code as `name` (query protocol also sets `Code`);
  // plain Node network errors are `Error` with an errno in `code`.
  const name = str(e.Code) ?? str(e.name);
  const errno = str(e.code);
  const code = name && name !== 'Error' ? name : (errno ?? name ?? 'UnknownError');
  const rawMessage = (str(e.message) ?? code).split('\n')[0] ?? code;
  const retryable =
    e.$retryable !== undefined ||
    THROTTLING_CODES.has(code) ||
    TRANSIENT_CODES.has(code) ||
    NETWORK_CODES.has(code) ||
    status === 429 ||
    (status !== undefined && status >= 500);
  const message = status !== undefined ? `${rawMessage} (HTTP ${status})` : rawMessage;
  return { code, message, retryable };
}

/** True when the error is AWS asking us to slow down. */
export function isThrottling(info: AwsErrorInfo): boolean {
  return THROTTLING_CODES.has(info.code);
}

/**
 * What to check, for the log and the incident: `action` is the IAM action that was attempted
 * (`rds:DescribeDBSnapshots`), so an AccessDenied names the permission to grant.
 */
export function awsErrorHint(info: AwsErrorInfo, action: string): string {
  if (ACCESS_DENIED_CODES.has(info.code)) return `check that the IAM policy allows ${action}`;
  if (CREDENTIAL_CODES.has(info.code)) return 'check the AWS credentials (standard credential chain: env, profile, role)';
  if (isThrottling(info)) return `AWS is throttling ${action}; it is retried on the next run`;
  if (NETWORK_CODES.has(info.code)) return 'check network access to AWS and any AWS_ENDPOINT_URL* override';
  if (info.code === 'AbortError') return 'the probe was cancelled (timeout or shutdown)';
  if (info.code.endsWith('NotFound') || info.code.endsWith('NotFoundFault')) {
    return 'check the resource identifier and region in the check config';
  }
  return info.retryable ? 'transient AWS failure; it is retried on the next run' : `see the AWS error for ${action}`;
}
