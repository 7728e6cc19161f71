import type { AuditLog } from '../audit/audit-log.js';
import type { TimelineSources } from '../audit/incident-timeline.js';
import { incidentTimelineMarkdown } from '../audit/render-timeline.js';
import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Severity } from '../core/severity.js';
import type { IncidentEngine } from '../incidents/incident-engine.js';
import type { Logger } from '../observability/logger.js';
import { auditList } from './blocks/audit-list.js';
import { MAX_SECTION_TEXT } from './blocks/block-kit-limits.js';
import { channelMention } from './blocks/mentions.js';
import type { BotMessage } from './bot-ports.js';
import type { IncidentMessageRefs } from './incident-message-refs.js';
import type { SlackGateway } from './slack-gateway.js';
import { escapeMrkdwn } from './slack-text.js';

export interface RecordCommandsDeps {
  config: Pick<Config, 'slack'>;
  engine: Pick<IncidentEngine, 'declare'>;
  auditLog: AuditLog;
  timeline: TimelineSources;
  refs: IncidentMessageRefs;
  gateway: SlackGateway;
  clock: Clock;
  logger: Logger;
}

/** Where a timeline went: shown in the answer itself, uploaded as a file, or (upload failing) neither. */
export type SharedTimeline = { kind: 'inline'; message: BotMessage } | { kind: 'uploaded' } | { kind: 'failed'; reason: string };

/** A code block's fences around the escaped Markdown. */
const FENCES = '```\n\n```'.length;

/**
 * `/dr declare`, `/dr timeline` and `/dr audit` (SPEC §5, §11), and the timeline posts the
 * channel archiver makes. Answers are returned for the command handler to send ephemerally.
 */
export class RecordCommands {
  constructor(private readonly deps: RecordCommandsDeps) {}

  async declare(severity: Severity, title: string, actor: string): Promise<BotMessage> {
    const { incident } = await this.deps.engine.declare({ severity, title, actor });
    const { slack } = this.deps.config;
    const where = slack.channel ? ` It is posted in ${channelMention(slack.channel)} and paged by policy.` : '';
    return {
      text: `Declared ${incident.id} (${severity}): ${escapeMrkdwn(title)}.${where} Only a person resolves it: \`${slack.command} resolve ${incident.id} [note]\`.`,
    };
  }

  async audit(count: number): Promise<BotMessage> {
    return auditList(await this.deps.auditLog.newest({ limit: count }));
  }

  /** The timeline in the answer when it fits one section, else uploaded to the incident's thread; null: no such incident. */
  async timeline(incidentId: string): Promise<BotMessage | null> {
    const markdown = await this.markdown(incidentId);
    if (markdown === null) return null;
    const ref = await this.deps.refs.get(incidentId);
    const channel = ref?.channel ?? this.deps.config.slack.channel;
    const shared = await this.share(incidentId, markdown, channel ? { channel, ...(ref ? { threadTs: ref.ts } : {}) } : null);
    switch (shared.kind) {
      case 'inline':
        return shared.message;
      case 'uploaded':
        return {
          text: `The timeline of ${incidentId} is too long for a message: it is uploaded as \`${fileName(incidentId)}\` ${ref ? "in the incident's thread" : `to ${channelMention(channel ?? '')}`}.`,
        };
      case 'failed':
        return { text: `The timeline of ${incidentId} is too long for a message and could not be uploaded (${shared.reason}).` };
    }
  }

  /** The timeline as Markdown; null when the incident does not exist (or has expired). */
  async markdown(incidentId: string): Promise<string | null> {
    return incidentTimelineMarkdown(incidentId, this.deps.timeline, this.deps.clock.now());
  }

  /**
   * A message with the timeline when it fits one section (Block Kit: 3,000 characters), else the
   * file uploaded to `target` (with `target` null, nowhere: 'failed').
   */
  async share(incidentId: string, markdown: string, target: { channel: string; threadTs?: string } | null): Promise<SharedTimeline> {
    const escaped = escapeMrkdwn(markdown);
    if (escaped.length + FENCES <= MAX_SECTION_TEXT) {
      return {
        kind: 'inline',
        message: {
          text: `Timeline of ${incidentId}`,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`\n${escaped}\n\`\`\`` } }],
        },
      };
    }
    const { gateway, logger } = this.deps;
    if (!target) return { kind: 'failed', reason: 'slack.channel is not set and the incident has no message' };
    if (!gateway.uploadFile) return { kind: 'failed', reason: 'this Slack connection cannot upload files' };
    try {
      await gateway.uploadFile({
        ...target,
        filename: fileName(incidentId),
        title: `${incidentId} postmortem timeline`,
        content: markdown,
        initialComment: `Postmortem timeline of ${incidentId}`,
      });
      return { kind: 'uploaded' };
    } catch (err) {
      logger.error({ err, incidentId }, `could not upload the timeline of ${incidentId}`);
      return { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
    }
  }
}

export function fileName(incidentId: string): string {
  return `${incidentId}-timeline.md`;
}
