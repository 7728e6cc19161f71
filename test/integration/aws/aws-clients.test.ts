import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { AwsClients } from '../../../src/aws/aws-clients.js';
import { describeAwsError } from '../../../src/aws/aws-error.js';
import { ReplicationLagProbe } from '../../../src/monitor/probes/replication-lag-probe.js';
import { NOW, accessDeniedError, fixedClock, testClients, throttlingError } from './aws-fixtures.js';

describe('AwsClients', () => {
  it('caches one client per service and region', () => {
    const clients = testClients();
    expect(clients.cloudwatch('us-east-1')).toBe(clients.cloudwatch('us-east-1'));
    expect(clients.cloudwatch('us-east-1')).not.toBe(clients.cloudwatch('us-west-2'));
    expect(clients.rds('us-east-1')).toBeInstanceOf(RDSClient);
    expect(clients.cloudwatch('eu-west-1')).toBeInstanceOf(CloudWatchClient);
    expect(clients.route53()).toBe(clients.route53());
    clients.destroy();
  });

  it('gives mutating calls their own clients that never retry, whatever reads do', async () => {
    const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    expect(await clients.rds('us-east-1').config.maxAttempts()).toBe(3);
    expect(await clients.rds('us-east-1', 'mutate').config.maxAttempts()).toBe(1);
    expect(await clients.route53('mutate').config.maxAttempts()).toBe(1);
    expect(clients.rds('us-east-1', 'mutate')).not.toBe(clients.rds('us-east-1'));
    // With retries off for everything, one client serves both.
    const noRetries = new AwsClients({ maxAttempts: 1 });
    expect(noRetries.rds('us-east-1', 'mutate')).toBe(noRetries.rds('us-east-1'));
    clients.destroy();
    noRetries.destroy();
  });

  it('passes maxAttempts to the SDK so tests can turn retries off', async () => {
    const clients = new AwsClients({ maxAttempts: 1 });
    expect(await clients.rds('us-east-1').config.maxAttempts()).toBe(1);
    expect(await clients.route53().config.region()).toBe('us-east-1');
  });
});

describe('AWS_ENDPOINT_URL_CLOUDWATCH through the real SDK HTTP path', () => {
  const endpoint = 'http://cloudwatch.emulator.test:4566';
  const saved = process.env.AWS_ENDPOINT_URL_CLOUDWATCH;
  beforeAll(() => {
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = endpoint;
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH;
    else process.env.AWS_ENDPOINT_URL_CLOUDWATCH = saved;
    nock.enableNetConnect();
  });

  it('sends GetMetricData to the overridden endpoint, without retries', async () => {
    let body: Record<string, unknown> | undefined;
    const scope = nock(endpoint)
      .post('/')
      .reply(
        200,
        (_uri, requestBody) => {
          body = typeof requestBody === 'string' ? JSON.parse(requestBody) : (requestBody as Record<string, unknown>);
          // AWS JSON 1.0 response; timestamps as epoch seconds.
          return { MetricDataResults: [{ Id: 'q0', Timestamps: [NOW / 1000 - 60], Values: [12], StatusCode: 'Complete' }] };
        },
        { 'content-type': 'application/x-amz-json-1.0' },
      );

    const clients = testClients();
    const outcomes = await new ReplicationLagProbe({ clients, clock: fixedClock }).probeBatch([
      {
        checkId: 'a',
        region: 'us-east-1',
        metric: 'ReplicaLag',
        dimensions: { DBInstanceIdentifier: 'r' },
        thresholdsMs: { SEV2: 60_000 },
        missingData: 'SEV3',
      },
    ]);

    expect(scope.isDone()).toBe(true);
    expect(body).toMatchObject({
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [{ Id: 'q0', MetricStat: { Stat: 'Maximum', Period: 60 } }],
    });
    expect(outcomes.get('a')).toMatchObject({ ok: true, summary: 'lag 12s' });
    clients.destroy();
  });
});

describe('describeAwsError', () => {
  it.each([
    { err: throttlingError(), code: 'Throttling', retryable: true, message: 'Rate exceeded (HTTP 400)' },
    { err: accessDeniedError('rds:DescribeDBSnapshots'), code: 'AccessDenied', retryable: false },
    {
      err: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }),
      code: 'ECONNREFUSED',
      retryable: true,
    },
    {
      err: Object.assign(new Error('boom'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }),
      code: 'InternalFailure',
      retryable: true,
    },
    { err: 'weird', code: 'UnknownError', retryable: false, message: 'weird' },
  ])('$code', ({ err, code, retryable, message }) => {
    const info = describeAwsError(err);
    expect(info.code).toBe(code);
    expect(info.retryable).toBe(retryable);
    if (message) expect(info.message).toBe(message);
  });
});
