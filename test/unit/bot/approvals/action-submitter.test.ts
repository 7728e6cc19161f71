import { beforeEach, describe, expect, it } from 'vitest';
import { ApprovalEngine } from '../../../../src/approvals/approval-engine.js';
import { MemoryApprovalStore } from '../../../../src/backend/memory/memory-approval-store.js';
import { ActionSubmitter, UNCONFIRMED_REASON } from '../../../../src/bot/approvals/action-submitter.js';
import type { BotMessage } from '../../../../src/bot/bot-ports.js';
import type { ActionRequest } from '../../../../src/core/action-request.js';
import type { Plan } from '../../../../src/core/plan.js';
import { createLogger } from '../../../../src/observability/logger.js';
import { ManualClock } from '../../../doubles/manual-clock.js';
import { aRestorePlan } from '../../../integration/approvals/fixtures.js';
import { commandTimedOut, LostReplyStore } from '../../../integration/approvals/lost-reply-store.js';

const REQUEST: ActionRequest = { kind: 'restore', runbook: 'orders', dryRun: false, source: { type: 'latest' } };
const ACTOR = { userId: 'U0AAA' };

/** A store whose lookups fail too: the store is still down when the submitter looks for the request. */
class DownStore extends LostReplyStore {
  override findByPlan(): Promise<never> {
    return Promise.reject(commandTimedOut('hget'));
  }
}

let logs: Array<{ level: number; msg: string }>;
let replies: BotMessage[];
let posted: string[];
let unposted: string[];
let plans: number;

beforeEach(() => {
  logs = [];
  replies = [];
  posted = [];
  unposted = [];
  plans = 0;
});

/** The submitter over a real engine on `store`; the DR service plans a new restore per submit, as the planner does. */
function submitterOver(store: LostReplyStore): { submitter: ActionSubmitter; engine: ApprovalEngine } {
  const clock = new ManualClock();
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
  const engine = new ApprovalEngine({
    store,
    clock,
    logger,
    instanceId: 'replica-a',
    policy: { approvers: ['U0BBB'], requiredApprovals: 1, ttlMs: 15 * 60_000 },
  });
  const dr = {
    submit: async (_request: ActionRequest, actor: { userId: string }) => {
      plans += 1;
      const plan: Plan = aRestorePlan({ id: `plan-${plans}` });
      const result = await engine.request(plan, actor.userId);
      return result.ok
        ? { kind: 'requested' as const, approval: result.approval }
        : { kind: 'refused' as const, message: result.message, plan };
    },
  };
  const announcer = {
    postRequest: async (approval: { id: string }) => {
      posted.push(approval.id);
      return { channel: 'C0INCIDENTS', ts: '1.1' };
    },
    markUnposted: (id: string) => void unposted.push(id),
  };
  const submitter = new ActionSubmitter({ dr, approvals: engine, announcer, clock, logger });
  return { submitter, engine };
}

const reply = async (message: BotMessage) => void replies.push(message);
const STORE_DOWN =
  /^Lifeboat cannot reach its state store right now, so it could not finish this\. Try again in a minute \(reference [0-9a-f]{6}\)\. /;

describe('ActionSubmitter when the store fails while recording a request', () => {
  it('withdraws the request the store made without confirming it, logs it, tells the requester, and a retry is posted', async () => {
    const store = new LostReplyStore(new MemoryApprovalStore());
    const { submitter, engine } = submitterOver(store);
    store.lose.create = 'timeout';

    await submitter.submit(REQUEST, ACTOR, reply);

    expect(replies.map((r) => r.text)).toEqual([expect.stringMatching(STORE_DOWN)]);
    expect(replies[0]?.text).toMatch(/APR-1 was recorded anyway and has been withdrawn, so it holds nothing and nothing will run\.$/);
    expect(await engine.get('APR-1')).toMatchObject({ state: 'rejected', rejection: { userId: 'U0AAA', reason: UNCONFIRMED_REASON } });
    expect(unposted).toEqual(['APR-1']);
    expect(posted).toEqual([]);
    expect(logs.find((l) => l.msg.includes('withdrew it'))).toMatchObject({
      level: 40,
      msg: "APR-1 was made for plan plan-1 but the store's reply was lost; withdrew it so it does not hold its resources unseen",
    });

    await submitter.submit(REQUEST, ACTOR, reply);
    expect(posted).toEqual(['APR-2']);
  });

  it('says nothing was recorded when the store never made the request', async () => {
    const store = new LostReplyStore(new MemoryApprovalStore());
    const { submitter, engine } = submitterOver(store);
    store.lose.create = 'unsent';

    await submitter.submit(REQUEST, ACTOR, reply);

    expect(replies.map((r) => r.text)).toEqual([expect.stringMatching(STORE_DOWN)]);
    expect(replies[0]?.text).toMatch(/ Nothing was recorded, so nothing will run\.$/);
    expect(await engine.findByPlan('plan-1')).toBeNull();
    expect(unposted).toEqual([]);
  });

  it('says plainly it cannot tell when the store is still down, and logs how to find the request', async () => {
    const store = new DownStore(new MemoryApprovalStore());
    const { submitter } = submitterOver(store);
    store.lose.create = 'timeout';

    await submitter.submit(REQUEST, ACTOR, reply);

    expect(replies[0]?.text).toMatch(STORE_DOWN);
    expect(replies[0]?.text).toMatch(
      / It could not tell whether your request was recorded; if it was, it runs nothing without approval and expires by itself\.$/,
    );
    expect(logs.find((l) => l.level === 50 && l.msg.startsWith('could not check whether plan plan-1 became a request'))).toBeDefined();
  });

  it('leaves other failures to the caller', async () => {
    const store = new LostReplyStore(new MemoryApprovalStore());
    const { submitter } = submitterOver(store);
    await store.close();
    await expect(submitter.submit(REQUEST, ACTOR, reply)).rejects.toMatchObject({ code: 'LIFEBOAT_STORE_UNAVAILABLE' });
    expect(replies).toEqual([]);
  });
});
