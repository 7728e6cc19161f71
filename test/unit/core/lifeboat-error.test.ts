import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/actions/action-error.js';
import { ApprovalError } from '../../../src/approvals/approval-error.js';
import { AwsGatewayError } from '../../../src/aws/aws-gateway-error.js';
import { SlackBotError } from '../../../src/bot/bot-errors.js';
import { DeliveryRefusedError } from '../../../src/bot/fastify-slack-receiver.js';
import { ClaimLost } from '../../../src/bot/outbox/outbox-delivery.js';
import { MalformedEntry } from '../../../src/bot/outbox/outbox-entry.js';
import { internalFailure } from '../../../src/bot/user-messages.js';
import { LifeboatError } from '../../../src/core/lifeboat-error.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { PagingError } from '../../../src/paging/paging-error.js';
import { StatusPageError } from '../../../src/statuspage/statuspage-error.js';
import { StoreError } from '../../../src/store/store-error.js';

const cause = new Error('socket closed');

describe('LifeboatError', () => {
  it.each<[LifeboatError, string, string]>([
    [new StoreError('LIFEBOAT_STORE_UNAVAILABLE', 'Redis did not answer', { cause }), 'StoreError', 'LIFEBOAT_STORE_UNAVAILABLE'],
    [new ApprovalError('LIFEBOAT_APPROVAL_RUN_LOST', 'run taken', { cause }), 'ApprovalError', 'LIFEBOAT_APPROVAL_RUN_LOST'],
    [new ActionError('LIFEBOAT_GUARD_FAILED', 'lag too high', 'wait for the replica'), 'ActionError', 'LIFEBOAT_GUARD_FAILED'],
    [
      new PagingError('LIFEBOAT_PAGING_KEY_REFUSED', 'key refused', 'check PAGERDUTY_ROUTING_KEY', 401, 0),
      'PagingError',
      'LIFEBOAT_PAGING_KEY_REFUSED',
    ],
    [
      new StatusPageError('LIFEBOAT_STATUSPAGE_BUSY', 'busy', { userMessage: 'Busy.', cause }),
      'StatusPageError',
      'LIFEBOAT_STATUSPAGE_BUSY',
    ],
    [
      new SlackBotError(
        'LIFEBOAT_SLACK_AUTH',
        'refused',
        { method: 'auth.test', retryable: false, hint: 'check SLACK_BOT_TOKEN' },
        { cause },
      ),
      'SlackBotError',
      'LIFEBOAT_SLACK_AUTH',
    ],
    [new DeliveryRefusedError('duplicate'), 'DeliveryRefusedError', 'LIFEBOAT_SLACK_DELIVERY_REFUSED'],
    [new MalformedEntry('no field'), 'MalformedEntry', 'LIFEBOAT_OUTBOX_MALFORMED_ENTRY'],
    [new ClaimLost('taken over'), 'ClaimLost', 'LIFEBOAT_OUTBOX_CLAIM_LOST'],
    [
      new AwsGatewayError('rds:PromoteReadReplica', 'eu-west-1', { name: 'InvalidDBInstanceStateFault' }),
      'AwsGatewayError',
      'InvalidDBInstanceState',
    ],
  ])('%s is a LifeboatError named %s with code %s', (err, name, code) => {
    expect(err).toBeInstanceOf(LifeboatError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.code).toBe(code);
  });

  it('carries the hint, the user sentence and the cause it was given, and nothing it was not', () => {
    const slack = new SlackBotError(
      'LIFEBOAT_SLACK_AUTH',
      'refused',
      { method: 'auth.test', retryable: false, hint: 'check SLACK_BOT_TOKEN' },
      { cause },
    );
    expect(slack.hint).toBe('check SLACK_BOT_TOKEN');
    expect(slack.cause).toBe(cause);
    const action = new ActionError('LIFEBOAT_BAD_REQUEST', 'bad time');
    expect(action.hint).toBeUndefined();
    expect(action.userMessage).toBeUndefined();
    expect(Object.keys(action)).not.toContain('hint');
    expect('cause' in action).toBe(false);
  });
});

describe('internalFailure', () => {
  it('tells the user the error’s own sentence with a reference', () => {
    const text = internalFailure(silentLogger(), new StoreError('LIFEBOAT_STORE_UNAVAILABLE', 'Redis did not answer'), 'acking', {});
    expect(text).toMatch(
      /^Lifeboat cannot reach its state store right now, so it could not finish this\. Try again in a minute \(reference [0-9a-f]{6}\)\.$/,
    );
  });

  it('says only "internal error" for a failure without a user sentence', () => {
    const text = internalFailure(silentLogger(), new ActionError('LIFEBOAT_PLAN_INVALID', 'bad plan'), 'running', {});
    expect(text).toMatch(
      /^Lifeboat hit an internal error and could not finish this\. The log has the details under reference [0-9a-f]{6}\.$/,
    );
  });
});
