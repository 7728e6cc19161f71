import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { IncidentChange } from '../incidents/incident-engine.js';
import type { Logger } from '../observability/logger.js';
import { SlackBotError } from './bot-errors.js';
import type { ChannelArchiveSchedule } from './channel-archive-schedule.js';
import type { IncidentMessageRefs } from './incident-message-refs.js';
import type { RecordCommands } from './record-commands.js';
import type { SlackGateway } from './slack-gateway.js';

/** `slack.archiveChannelsAfter` when a hand-built config leaves it out (the schema's default). */
export const DEFAULT_ARCHIVE_AFTER_MS = 24 * 3_600_000; // 24 hours
/** How often every replica looks for channels due; each due channel is claimed by one of them. */
export const ARCHIVE_SWEEP_INTERVAL_MS = 60_000; // 1 minute
/** A claim outlives one archive (timeline upload, archive call, Slack's waits) by far; then it comes due again. */
export const ARCHIVE_CLAIM_MS = 10 * 60_000; // 10 minutes
const ARCHIVE_BATCH = 20;

export interface ChannelArchiverDeps {
  config: Pick<Config, 'slack'>;
  schedule: ChannelArchiveSchedule;
  refs: IncidentMessageRefs;
  gateway: SlackGateway;
  record: RecordCommands;
  audit: AuditRecorder;
  clock: Clock;
  logger: Logger;
}

/**
 * Archives a resolved incident's dedicated channel `slack.archiveChannelsAfter` after it resolved,
 * posting its postmortem timeline there first (conversations.archive; scope channels:manage). The
 * due time is in the store, so a restart or another replica finds it; each due channel is claimed
 * atomically, so one replica archives it. A failure leaves it scheduled: it is tried again when
 * the claim lapses. A crash between the timeline post and the archive posts the timeline twice.
 */
export class ChannelArchiver {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: ChannelArchiverDeps) {}

  /** Subscribe to the incident engine: a resolution schedules the archive (only with incident channels on). */
  readonly onIncidentChange = async ({ incident, event }: IncidentChange): Promise<void> => {
    const { slack } = this.deps.config;
    if (event?.type !== 'resolved' || slack.incidentChannels === undefined) return;
    const dueAt = (incident.resolvedAt ?? event.at) + (slack.archiveChannelsAfterMs ?? DEFAULT_ARCHIVE_AFTER_MS);
    try {
      await this.deps.schedule.schedule(incident.id, dueAt);
    } catch (err) {
      this.deps.logger.error(
        { err, incidentId: incident.id },
        `could not schedule the archive of ${incident.id}'s channel; archive it by hand`,
      );
    }
  };

  /** Archives what is due now; returns the incidents whose channel this call archived. */
  async runOnce(): Promise<string[]> {
    const { schedule, clock } = this.deps;
    const due = await schedule.claimDue(clock.now(), ARCHIVE_CLAIM_MS, ARCHIVE_BATCH);
    const archived: string[] = [];
    for (const incidentId of due) {
      try {
        if (await this.archive(incidentId)) archived.push(incidentId);
        await schedule.done(incidentId);
      } catch (err) {
        this.deps.logger.error(
          { err, incidentId },
          `could not archive ${incidentId}'s channel; trying again in ${ARCHIVE_CLAIM_MS / 60_000} minutes`,
        );
      }
    }
    return archived;
  }

  start(intervalMs = ARCHIVE_SWEEP_INTERVAL_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'channel archive sweep failed; retrying at the next interval'))
        .finally(() => {
          this.running = null;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Posts the timeline in the channel, then archives it; false when the incident had no channel. */
  private async archive(incidentId: string): Promise<boolean> {
    const { refs, gateway, record, logger } = this.deps;
    const channel = (await refs.get(incidentId))?.incidentChannelId;
    if (!channel) return false;
    if (!gateway.archiveChannel) throw new Error('this Slack connection cannot archive channels');
    const markdown = await record.markdown(incidentId);
    if (markdown !== null) {
      const shared = await record.share(incidentId, markdown, { channel });
      if (shared.kind === 'failed') throw new Error(`the timeline could not be posted first: ${shared.reason}`);
      if (shared.kind === 'inline') await gateway.postMessage({ channel, ...shared.message });
    }
    try {
      await gateway.archiveChannel(channel);
    } catch (err) {
      // Someone archived it by hand meanwhile: the goal is reached.
      if (!(err instanceof SlackBotError && err.details.slackError === 'already_archived')) throw err;
    }
    logger.info({ incidentId, channel }, `archived ${incidentId}'s channel after posting its timeline there`);
    await this.deps.audit.append({ type: 'channel-archived', incidentId, at: this.deps.clock.now(), detail: channel });
    return true;
  }
}
