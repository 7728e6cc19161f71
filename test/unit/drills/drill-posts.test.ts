import { describe, expect, it } from 'vitest';
import { MemoryDrillMessageRefs } from '../../../src/backend/memory/memory-drill-message-refs.js';
import { SlackBotError } from '../../../src/bot/bot-errors.js';
import type { PostedMessage, PostMessageArgs } from '../../../src/bot/slack-gateway.js';
import { DrillPosts } from '../../../src/drills/drill-posts.js';
import type { DrillOutcome } from '../../../src/drills/drill-outcome.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { memoryOutboxService } from '../../doubles/memory-slack-outbox-service.js';
import { RecordingSlackGateway } from '../../doubles/slack-recording-gateway.js';

/* The drill's posts as outbox entries, delivered by the real outbox service (memory outbox). */

/** Refuses top-level posts as Slack refuses content it will never take. */
class RefusingTopLevel extends RecordingSlackGateway {
  override async postMessage(args: PostMessageArgs): Promise<PostedMessage> {
    if (args.threadTs === undefined) {
      await super.postMessage(args).catch(() => undefined);
      throw new SlackBotError('LIFEBOAT_SLACK_API_ERROR', 'chat.postMessage failed: invalid_arguments', {
        method: 'chat.postMessage',
        slackError: 'invalid_arguments',
        retryable: false,
        hint: 'report it',
      });
    }
    return super.postMessage(args);
  }
}

const OUTCOME: DrillOutcome = {
  drill: 'orders-restore',
  runId: 'DRL-7',
  runbook: 'orders',
  region: 'us-east-1',
  source: 'orders-db',
  result: 'passed',
  startedAt: 0,
  finishedAt: 60_000,
  restoreMs: 50_000,
  cleanup: [],
  summary: 'Drill orders-restore passed.',
};

function posts(gateway: RecordingSlackGateway, { channel }: { channel: string | undefined } = { channel: 'C0INCIDENTS' }) {
  const clock = new ManualClock();
  const outbox = memoryOutboxService(gateway, clock);
  const drillPosts = new DrillPosts({ channel, outbox, refs: new MemoryDrillMessageRefs(clock), logger: silentLogger() });
  return { outbox, drillPosts };
}

describe('DrillPosts', () => {
  it('posts the message, replies in its thread in order, then updates the message and replies with the outcome', async () => {
    const gateway = new RecordingSlackGateway();
    const { outbox, drillPosts } = posts(gateway);
    drillPosts.started({ drill: 'orders-restore', runId: 'DRL-7', runbook: 'orders', actor: 'U0AAA' });
    drillPosts.progress('DRL-7', 'step one');
    drillPosts.progress('DRL-7', 'step two');
    drillPosts.finished(OUTCOME);
    await outbox.idle();
    expect(gateway.calls.map((c) => [c.method, c.args.threadTs ?? c.args.ts ?? null, c.args.text])).toEqual([
      ['chat.postMessage', null, expect.stringContaining('Drill orders-restore (DRL-7) is running')],
      ['chat.postMessage', '1000.000001', 'step one'],
      ['chat.postMessage', '1000.000001', 'step two'],
      ['chat.update', '1000.000001', 'Drill orders-restore passed.'],
      ['chat.postMessage', '1000.000001', 'Drill orders-restore passed.'],
    ]);
    expect(await outbox.pending()).toBe(0);
  });

  it('posts nothing without slack.channel', async () => {
    const gateway = new RecordingSlackGateway();
    const { outbox, drillPosts } = posts(gateway, { channel: undefined });
    drillPosts.started({ drill: 'orders-restore', runId: 'DRL-7', runbook: 'orders' });
    drillPosts.finished(OUTCOME);
    await outbox.idle();
    expect(gateway.calls).toEqual([]);
  });

  it('a message Slack refuses is dropped, and its thread and update with it (nowhere to go), instead of blocking the lane', async () => {
    const gateway = new RefusingTopLevel();
    const { outbox, drillPosts } = posts(gateway);
    drillPosts.started({ drill: 'orders-restore', runId: 'DRL-7', runbook: 'orders' });
    drillPosts.progress('DRL-7', 'step one');
    drillPosts.finished(OUTCOME);
    await outbox.idle();
    expect(gateway.methods()).toEqual(['chat.postMessage']);
    expect(await outbox.pending()).toBe(0);
  });

  it('an update whose outcome is not readable (another version wrote it) is dropped, not retried forever', async () => {
    const gateway = new RecordingSlackGateway();
    const { outbox, drillPosts } = posts(gateway);
    drillPosts.started({ drill: 'orders-restore', runId: 'DRL-7', runbook: 'orders' });
    outbox.enqueue({
      lane: 'drill:DRL-7',
      kind: 'drill.update',
      methods: ['chat.update'],
      data: { runId: 'DRL-7', channel: 'C0INCIDENTS', outcome: '{"drill":1}' },
    });
    drillPosts.progress('DRL-7', 'after it');
    await outbox.idle();
    expect(gateway.methods()).toEqual(['chat.postMessage', 'chat.postMessage']);
    expect(await outbox.pending()).toBe(0);
  });
});
