import cron, { type ScheduledTask } from 'node-cron';
import type { types } from '@slack/bolt';
import type { BotMessage } from '../bot/bot-ports.js';
import type { OutboxDelivery } from '../bot/outbox/outbox-delivery.js';
import { MalformedEntry, dataString } from '../bot/outbox/outbox-entry.js';
import type { SlackOutboxService } from '../bot/outbox/slack-outbox-service.js';
import type { Logger } from '../observability/logger.js';

/** The outbox entry kind of a scheduled posture report. */
export const POSTURE_REPORT_KIND = 'posture.report';

export interface PostureScheduleDeps {
  /** `posture.schedule` (node-cron, UTC). */
  schedule: string;
  /** `slack.channel`. */
  channel: string;
  /** The report, as `/dr status` answers it. */
  compose: () => Promise<BotMessage>;
  /** Registered on every replica (any one may deliver); the leader enqueues. */
  outbox: Pick<SlackOutboxService, 'enqueue' | 'register'>;
  logger: Logger;
}

/**
 * `posture.schedule` (SPEC §10): on the monitor leader only, each tick composes the DR posture
 * report and queues it in the Slack outbox, keyed by the tick's scheduled time, so a tick fired
 * by two replicas at a leadership change still posts once, and a Slack outage delays the post
 * instead of losing it. The report is composed at the tick: it shows the posture at that time,
 * however late Slack takes it.
 */
export class PostureSchedule {
  private task: ScheduledTask | null = null;

  constructor(private readonly deps: PostureScheduleDeps) {
    deps.outbox.register(POSTURE_REPORT_KIND, (delivery) => this.deliver(delivery));
  }

  start(): void {
    if (this.task) return;
    this.task = cron.schedule(this.deps.schedule, (context) => void this.fire(context.date), { timezone: 'UTC', name: 'posture-report' });
  }

  /** True while this replica's cron runs (it is the monitor leader). */
  get running(): boolean {
    return this.task !== null;
  }

  stop(): void {
    void this.task?.stop();
    this.task = null;
  }

  /** What a tick does (also the test entry point): `tick` is the scheduled time, the same on every replica. */
  async fire(tick: Date): Promise<void> {
    // Whole seconds: node-cron's finest field; replicas' timers differ by milliseconds.
    const tickId = new Date(Math.floor(tick.getTime() / 1000) * 1000).toISOString();
    try {
      const report = await this.deps.compose();
      this.deps.outbox.enqueue(
        {
          lane: 'posture-report',
          kind: POSTURE_REPORT_KIND,
          methods: ['chat.postMessage'],
          data: { channel: this.deps.channel, text: report.text, blocks: JSON.stringify(report.blocks ?? []), tick: tickId },
        },
        { onceKey: `posture-report:${tickId}` },
      );
      this.deps.logger.info({ tick: tickId }, 'DR posture report queued for Slack');
    } catch (err) {
      this.deps.logger.error({ err, tick: tickId }, 'the scheduled DR posture report could not be composed; the next tick tries again');
    }
  }

  private async deliver(delivery: OutboxDelivery): Promise<void> {
    const channel = dataString(delivery.entry, 'channel');
    let blocks: unknown;
    try {
      blocks = JSON.parse(dataString(delivery.entry, 'blocks'));
    } catch {
      throw new MalformedEntry('posture report entry has blocks that are not JSON');
    }
    if (!Array.isArray(blocks)) throw new MalformedEntry('posture report entry has blocks that are not a list');
    const text = dataString(delivery.entry, 'text');
    // A report without blocks (the store was unreachable and nothing was remembered) goes as text alone.
    await delivery.post('', { channel, text, ...(blocks.length > 0 && { blocks: blocks as types.KnownBlock[] }) });
    this.deps.logger.info({ channel, tick: delivery.entry.data.tick }, 'DR posture report posted');
  }
}

/**
 * `posture.schedule` with Slack off (local mode, SPEC §3 lets it be set): nothing is scheduled, since
 * the report is a Slack post and composing it reads AWS for every database only to drop it (an
 * error a tick without AWS credentials). Said once at start, so nobody waits for a post.
 */
export function warnPostureScheduleOff(schedule: string, logger: Logger): void {
  logger.warn(
    { schedule, slack: 'off' },
    'posture.schedule is set but Slack is off (no SLACK_BOT_TOKEN): the scheduled DR posture report will not be posted, ' +
      'and is not scheduled. Set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and slack.channel to post it',
  );
}
