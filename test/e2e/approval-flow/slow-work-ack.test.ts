import { expect, it } from 'vitest';
import type { ApprovalStore } from '../../../src/approvals/approval-store.js';
import { createLogger } from '../../../src/observability/logger.js';
import { nockChatUpdate, nockPostEphemeral, nockResponseUrl } from '../../doubles/slack-api-nock.js';
import { slashCommandBody } from '../../doubles/slack-requests.js';
import { startApprovalFlow } from './approval-flow-harness.js';
import { confirmBody, mockHealthyFailover, requestFailover } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * SPEC §4: Slack gets its acknowledgement within 3 s on every path, and slow work continues after
 * it. Through buildApp with signed requests, the approval store stalls (a Redis that stops
 * answering): a slash command is acked at once and answers on its response_url once the store
 * does; a modal submission whose listener reads the store before its ack gets the receiver's
 * fallback answer (ACK_DEADLINE_MS, 2.5 s), and its work still finishes and answers afterwards.
 */

/** Slack's own limit: no answer by then and the person sees an error (and Slack retries). */
const SLACK_ACK_LIMIT_MS = 3_000;
/** What the receiver logs when it answered for a listener that had not acked by ACK_DEADLINE_MS. */
const DEADLINE_MISSED = 'a Slack listener did not ack in time; answered empty';

/** Holds calls to the methods named in `stall` until `release()`; everything else passes through. */
class StallGate {
  readonly stall = new Set<keyof ApprovalStore>();
  /** Calls that reached a stalled method and wait. */
  waiting = 0;
  released = false;
  private open: () => void = () => undefined;
  private readonly opened = new Promise<void>((resolve) => {
    this.open = resolve;
  });

  wrap(store: ApprovalStore): ApprovalStore {
    return new Proxy(store, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (!this.released && this.stall.has(property as keyof ApprovalStore)) {
            this.waiting += 1;
            await this.opened;
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  release(): void {
    this.released = true;
    this.open();
  }
}

let gate: StallGate;
const logs: Array<{ level: number; msg: string; [field: string]: unknown }> = [];
const flow = useApprovalFlow(async () => {
  gate = new StallGate();
  logs.length = 0;
  // Two approvals: the one confirmation here records a vote and runs nothing.
  const started = await startApprovalFlow({
    approvals: 2,
    wrapStore: (store) => gate.wrap(store),
    logger: createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line)) } }),
  });
  mockHealthyFailover(started);
  return started;
});

/**
 * Posts `body` signed; resolves with the answer and whether the store was still stalled when it
 * came. Past Slack's limit the store is let go anyway, so an answer that waited for the store
 * (or for a deadline past the limit) shows up as `stalledAtAnswer: false`, not as a hung test.
 */
async function postWhileStalled(body: string): Promise<{ status: number; body: string; stalledAtAnswer: boolean }> {
  const limit = setTimeout(() => gate.release(), SLACK_ACK_LIMIT_MS);
  try {
    const response = await flow.post(body);
    return { status: response.statusCode, body: response.body, stalledAtAnswer: !gate.released };
  } finally {
    clearTimeout(limit);
  }
}

it('a slash command whose work waits on a stalled store is acked at once, and answers on its response_url when the store does', async () => {
  await requestFailover(flow);
  const hook = nockResponseUrl('/commands/T1/1/abc');
  gate.stall.add('listPending');

  const answer = await postWhileStalled(slashCommandBody('approvals', { userId: 'U0AAA' }));
  expect(answer).toEqual({ status: 200, body: '', stalledAtAnswer: true });
  // Acked by the listener itself, not by the receiver's fallback.
  expect(logs.map((l) => l.msg)).not.toContain(DEADLINE_MISSED);
  // The work started after the ack and is stuck on the store, not finished.
  await expect.poll(() => gate.waiting).toBeGreaterThan(0);
  expect(hook.bodies).toEqual([]);

  gate.release();
  await flow.idle();
  expect(hook.bodies).toEqual([expect.objectContaining({ response_type: 'ephemeral', text: '1 pending approval request' })]);
  expect(JSON.stringify(hook.bodies[0])).toContain('*APR-1* Failover orders');
});

it('a modal submission whose listener stalls before its ack gets the fallback 200 within the limit; the approval it carries still lands and is answered', async () => {
  await requestFailover(flow);
  nockChatUpdate(5);
  const told = nockPostEphemeral();
  // The confirmation is checked against the stored request before the ack (a wrong name keeps the modal open).
  gate.stall.add('get');

  const answer = await postWhileStalled(confirmBody('APR-1', 'orders'));
  expect(answer).toEqual({ status: 200, body: '', stalledAtAnswer: true });
  expect(gate.waiting).toBeGreaterThan(0);
  expect(logs).toContainEqual(expect.objectContaining({ level: 50, kind: 'view_submission', deadlineMs: 2_500, msg: DEADLINE_MISSED }));
  expect(told.calls).toEqual([]);

  gate.release();
  await flow.idle();
  expect(told.calls.map((c) => c.body)).toEqual([
    expect.objectContaining({ user: 'U0BBB', text: 'You approved APR-1. It needs 1 more approval from someone else.' }),
  ]);
  expect(await flow.approvals.get('APR-1')).toMatchObject({ state: 'pending', approvals: [expect.objectContaining({ userId: 'U0BBB' })] });
}, 20_000);
