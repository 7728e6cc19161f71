import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import { RDSServiceException } from '@aws-sdk/client-rds';
import type { Clock } from '../../../src/core/clock.js';
import { AwsClients } from '../../../src/aws/aws-clients.js';

/** The instant every AWS test runs at. */
export const NOW = Date.parse('2026-11-21T06:10:00Z');
export const fixedClock: Clock = { now: () => NOW };

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** Real SDK clients, SDK retries off; tests mock each client instance they use. */
export function testClients(): AwsClients {
  return new AwsClients({ maxAttempts: 1, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
}

/** What CloudWatch throws when GetMetricData is rate-limited (query-compatible code `Throttling`). */
export function throttlingError(): CloudWatchServiceException {
  return new CloudWatchServiceException({
    name: 'Throttling',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Rate exceeded',
  });
}

/** What RDS throws when the IAM policy lacks the permission. */
export function accessDeniedError(action: string): RDSServiceException {
  return new RDSServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::123456789012:assumed-role/lifeboat/i-0 is not authorized to perform: ${action}`,
  });
}
