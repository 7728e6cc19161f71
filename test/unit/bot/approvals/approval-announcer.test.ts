import { describe, expect, it } from 'vitest';
import { NOT_POSTED_GRACE_MS } from '../../../../src/bot/approvals/approval-announcer.js';
import type { ApprovalChange } from '../../../../src/approvals/approval-engine.js';
import type { Approval } from '../../../../src/approvals/approval.js';
import type { RunOutcome } from '../../../../src/actions/run-outcome.js';
import { ApprovalAnnouncer } from '../../../../src/bot/approvals/approval-announcer.js';
import { approvalMessage } from '../../../../src/bot/approvals/blocks/approval-message.js';
import { MemoryApprovalMessageRefs } from '../../../../src/backend/memory/memory-approval-message-refs.js';
import { SlackBotError } from '../../../../src/bot/bot-errors.js';
import { DEFAULT_OUTBOX_RETRY, type OutboxRetryPolicy } from '../../../../src/bot/outbox/outbox-retry.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { ManualClock } from '../../../doubles/manual-clock.js';
import { memoryOutboxService } from '../../../doubles/memory-slack-outbox-service.js';
import { RecordingSlackGateway } from '../../../doubles/slack-recording-gateway.js';
import { approvalOf, failoverPlan, T0 } from './fixtures.js';

function setup(gateway = new RecordingSlackGateway(), retry?: OutboxRetryPolicy) {
  const stored = new Map<string, Approval>();
  const clock = new ManualClock();
  const refs = new MemoryApprovalMessageRefs(clock);
  const outbox = memoryOutboxService(gateway, clock, retry);
  const announcer = new ApprovalAnnouncer({
    channel: 'C0INCIDENTS',
    gateway,
    refs,
    outbox,
    approvals: { get: async (id) => stored.get(id) ?? null },
    clock,
    logger: silentLogger(),
  });
  /** The engine committing a transition: the store holds the new state, then listeners hear it. */
  const commit = (approval: Approval, transition: ApprovalChange['transition'], actor?: string) => {
    stored.set(approval.id, approval);
    announcer.listener({ approval, transition, at: T0, ...(actor ? { actor } : {}) });
  };
  return { gateway, stored, refs, announcer, commit, outbox, clock };
}

const approved = approvalOf(failoverPlan(), { state: 'approved', approvals: [{ userId: 'U0BBB', at: T0 }] });
/** What every outbox post carries: its entry id, so a post whose answer was lost is found, not repeated. */
const META = { eventType: 'lifeboat_post', payload: { outbox_id: expect.any(String) } };
const threadTexts = (g: RecordingSlackGateway) =>
  g.calls.filter((c) => c.method === 'chat.postMessage' && c.args.threadTs).map((c) => c.args.text);

describe('ApprovalAnnouncer', () => {
  it('posts the request and remembers where it is', async () => {
    const { gateway, refs, announcer } = setup();
    const pending = approvalOf(failoverPlan());
    expect(await announcer.postRequest(pending)).toEqual({ channel: 'C0INCIDENTS', ts: '1000.000001' });
    expect(gateway.calls).toEqual([
      {
        method: 'chat.postMessage',
        args: {
          channel: 'C0INCIDENTS',
          ...approvalMessage(pending),
          metadata: { eventType: 'lifeboat_post', payload: { outbox_id: 'request:APR-7' } },
        },
      },
    ]);
    expect(await refs.get('APR-7')).toEqual({ channel: 'C0INCIDENTS', ts: '1000.000001' });
  });

  it('returns at once on a transition and then updates the message in place and replies in its thread, in order', async () => {
    const { gateway, announcer, commit, outbox } = setup();
    await announcer.postRequest(approvalOf(failoverPlan()));
    gateway.hold();
    commit(approved, 'approved', 'U0BBB');
    expect(gateway.calls).toHaveLength(1);
    gateway.release();
    await outbox.idle();
    expect(gateway.calls.slice(1)).toEqual([
      { method: 'chat.update', args: { channel: 'C0INCIDENTS', ts: '1000.000001', ...approvalMessage(approved) } },
      {
        method: 'chat.postMessage',
        args: {
          channel: 'C0INCIDENTS',
          threadTs: '1000.000001',
          text: ':+1: Approved by <@U0BBB> (1 of 1). Starting now.',
          metadata: META,
          maxRateLimitWaitMs: 0,
        },
      },
    ]);
  });

  it('changes arriving while an update waits ride on it: one chat.update showing the newest state', async () => {
    const { gateway, announcer, commit, outbox } = setup();
    await announcer.postRequest(approvalOf(failoverPlan()));
    gateway.hold();
    commit(approved, 'approved', 'U0BBB');
    const running = {
      ...approved,
      state: 'running' as const,
      run: { runnerId: 'r', claimedAt: T0, leaseExpiresAt: T0, startedAt: T0, steps: [] },
    };
    commit(running, 'started', 'r');
    commit(
      { ...running, run: { ...running.run, currentStep: { stepId: 'promote', description: 'Promote', at: T0 } } },
      'step-started',
      'r',
    );
    gateway.release();
    await outbox.idle();
    const updates = gateway.calls.filter((c) => c.method === 'chat.update');
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(updates[0]?.args)).toContain('step `promote`');
    expect(threadTexts(gateway)).toEqual([
      ':+1: Approved by <@U0BBB> (1 of 1). Starting now.',
      ':rocket: Execution started. Pre-flight checks run again before the first step.',
    ]);
  });

  it('the outcome is posted once, whether the engine’s record or the runner’s report comes first', async () => {
    const { gateway, announcer, commit, outbox } = setup();
    await announcer.postRequest(approvalOf(failoverPlan()));
    const done = {
      ...approved,
      state: 'succeeded' as const,
      run: { runnerId: 'r', claimedAt: T0, leaseExpiresAt: T0, steps: [], message: 'It worked.', detail: { elapsedMs: 1_000 } },
    };
    commit(done, 'succeeded', 'r');
    const outcome = { status: 'succeeded' } as RunOutcome;
    await announcer.reporter.report({ type: 'finished', runId: 'APR-7', planId: 'plan-1', outcome, message: 'It worked.' });
    await announcer.reporter.report({ type: 'step-started', runId: 'APR-8', planId: 'plan-2', stepId: 'x', message: 'other run' });
    await outbox.idle();
    expect(threadTexts(gateway)).toEqual([':white_check_mark: It worked.']);
  });

  it('a transition seen before the posting replica stored the message ref is retried until it is known', async () => {
    const { gateway, refs, commit, outbox, clock } = setup(undefined, DEFAULT_OUTBOX_RETRY);
    commit(approved, 'approved', 'U0BBB');
    await outbox.idle();
    expect(gateway.calls).toEqual([]);
    expect(await outbox.pending()).toBe(2); // kept: the update and the reply
    await refs.save('APR-7', { channel: 'C0INCIDENTS', ts: '5.5' }); // the posting replica catches up
    clock.advance(DEFAULT_OUTBOX_RETRY.maxMs);
    await outbox.idle();
    expect(gateway.calls.map((c) => [c.method, c.args.ts ?? c.args.threadTs])).toEqual([
      ['chat.update', '5.5'],
      ['chat.postMessage', '5.5'],
    ]);
  });

  it('a transition of a request that was never recorded as posted is given up after a grace period, not retried forever', async () => {
    const { gateway, commit, outbox, clock } = setup(undefined, DEFAULT_OUTBOX_RETRY);
    commit(approved, 'approved', 'U0BBB');
    await outbox.idle();
    clock.advance(NOT_POSTED_GRACE_MS + 1);
    await outbox.idle();
    expect(gateway.calls).toEqual([]);
    expect(await outbox.pending()).toBe(0);
  });

  it('a step and the outcome are kept through a revoked token and delivered in order once it works again', async () => {
    const gateway = new RecordingSlackGateway();
    const { announcer, commit, outbox, clock } = setup(gateway, DEFAULT_OUTBOX_RETRY);
    await announcer.postRequest(approvalOf(failoverPlan()));
    const realPost = gateway.postMessage.bind(gateway);
    let refusing = true;
    gateway.postMessage = async (args) => {
      if (refusing)
        throw new SlackBotError('LIFEBOAT_SLACK_AUTH', 'Slack refused chat.postMessage: invalid_auth', {
          method: 'chat.postMessage',
          slackError: 'invalid_auth',
          retryable: false,
          hint: 'check SLACK_BOT_TOKEN',
        });
      return realPost(args);
    };
    await announcer.reporter.report({
      type: 'step-started',
      runId: 'APR-7',
      planId: 'plan-1',
      stepId: 'promote',
      message: 'Promoting orders-replica',
    });
    const done = {
      ...approved,
      state: 'succeeded' as const,
      run: { runnerId: 'r', claimedAt: T0, leaseExpiresAt: T0, steps: [], message: 'It worked.', detail: { elapsedMs: 1_000 } },
    };
    commit(done, 'succeeded', 'r');
    for (let minute = 0; minute < 10; minute++) {
      clock.advance(60_000);
      await outbox.idle();
    }
    expect(threadTexts(gateway)).toEqual([]);
    refusing = false;
    clock.advance(30_000);
    await outbox.idle();
    expect(threadTexts(gateway)).toEqual([
      ':arrow_forward: Step `promote` started: Promoting orders-replica',
      ':white_check_mark: It worked.',
    ]);
    expect(await outbox.pending()).toBe(0);
  });

  it('a request whose message could not be posted gets no updates; the caller hears the failure', async () => {
    const failing = new RecordingSlackGateway();
    failing.postMessage = async () => {
      throw new SlackBotError('LIFEBOAT_SLACK_CHANNEL', 'Slack refused chat.postMessage: not_in_channel', {
        method: 'chat.postMessage',
        slackError: 'not_in_channel',
        retryable: false,
        hint: 'invite the bot',
      });
    };
    const { gateway, announcer, commit, outbox } = setup(failing);
    await expect(announcer.postRequest(approvalOf(failoverPlan()))).rejects.toThrow(/not_in_channel/);
    commit({ ...approved, state: 'rejected' }, 'rejected', 'U0AAA');
    await outbox.idle();
    expect(gateway.calls).toEqual([]);
  });

  it('a message someone deleted in Slack is not fought over: the update is dropped, the thread still gets the reply', async () => {
    const gateway = new RecordingSlackGateway();
    gateway.updateMessage = async () => {
      throw new SlackBotError('LIFEBOAT_SLACK_API_ERROR', 'Slack refused chat.update: message_not_found', {
        method: 'chat.update',
        slackError: 'message_not_found',
        retryable: false,
        hint: '',
      });
    };
    const { announcer, commit, outbox } = setup(gateway);
    await announcer.postRequest(approvalOf(failoverPlan()));
    commit(approved, 'approved', 'U0BBB');
    await outbox.idle();
    expect(threadTexts(gateway)).toEqual([':+1: Approved by <@U0BBB> (1 of 1). Starting now.']);
  });
});
