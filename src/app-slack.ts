import type { DrillCommands } from './bot/command-handler.js';
import type { SlackGateway } from './bot/slack-gateway.js';
import type { SlackOutboxService } from './bot/outbox/slack-outbox-service.js';
import type { DrParts } from './app-dr.js';
import type { Backend } from './backend/create-backend.js';
import { createApprovalUi, type ApprovalUi } from './bot/approvals/create-approval-ui.js';
import { createSlackBot, type SlackBot } from './bot/create-slack-bot.js';
import { createSlackPlatform, type SlackPlatformDeps } from './bot/create-slack-platform.js';
import { IncidentLinks, WebApiPermalinks } from './bot/incident-links.js';
import { OperatorNotices } from './bot/operator-notices.js';
import { ChannelArchiver } from './bot/channel-archiver.js';
import type { RecordCommands } from './bot/record-commands.js';
import type { AuditRecorder } from './audit/audit-recorder.js';
import type { Config } from './config/types.js';
import type { Clock } from './core/clock.js';
import type { IncidentEngine } from './incidents/incident-engine.js';
import type { ReadinessMonitor } from './readiness/readiness-monitor.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { Pager } from './paging/pager.js';
import type { Silences } from './noise/silences.js';
import type { PostureService } from './posture/posture-service.js';
import { PostureSchedule } from './posture/posture-schedule.js';

export interface SlackParts {
  bot: SlackBot;
  /** Archives resolved incidents' dedicated channels (subscribed to the engine by app-subscriptions). */
  archiver: ChannelArchiver;
  approvalUi: ApprovalUi;
  /** One-time notices to operators (a refused PagerDuty or Statuspage key). */
  notices: OperatorNotices;
  /** The Web API as the bot uses it. */
  gateway: SlackGateway;
  /** Slack posts kept in the store until delivered (drill runs post through it). */
  outbox: SlackOutboxService;
  /** `posture.schedule`: started on the monitor leader (app-subscriptions.ts); null when not configured. */
  postureSchedule: PostureSchedule | null;
  stop(): Promise<void>;
}

/** Test seams of the Slack transport (see SlackPlatformDeps). */
export type SlackSeams = Pick<SlackPlatformDeps, 'gateway' | 'sleep' | 'webApiNetworkRetries'> & {
  /** The approval sweep's cadence. */
  approvalSweepIntervalMs?: number;
};

export interface SlackDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  backend: Backend;
  engine: IncidentEngine;
  pager: Pager;
  dr: DrParts;
  readiness: ReadinessMonitor;
  /** `/dr silence|silences|unsilence`, and the silence shown on incident messages. */
  silences: Silences;
  audit: AuditRecorder;
  /** `/dr drill` and `/dr drills`; absent when no drills are configured. */
  drills?: DrillCommands;
  /** The DR posture `/dr status` shows and `posture.schedule` posts. */
  posture?: PostureService;
  seams?: SlackSeams;
}

/**
 * Slack, in dependency order: the transport (Bolt, gateway, outbox), the approval flow on it,
 * then the bot's commands and incident messages, which hand DR requests to that flow. Nothing
 * here subscribes to anything: app-subscriptions.ts does.
 */
export function buildSlack(deps: SlackDeps): SlackParts {
  const { config, logger, clock, backend, pager, dr } = deps;
  const seams = deps.seams ?? {};
  const platform = createSlackPlatform({
    config,
    logger,
    metrics: deps.metrics,
    clock,
    seen: backend.seenDeliveries,
    outbox: backend.slackOutbox,
    ...(seams.gateway ? { gateway: seams.gateway } : {}),
    ...(seams.sleep ? { sleep: seams.sleep } : {}),
    ...(seams.webApiNetworkRetries !== undefined ? { webApiNetworkRetries: seams.webApiNetworkRetries } : {}),
  });
  const approvalUi = createApprovalUi({
    platform,
    refs: backend.approvalMessageRefs,
    approvals: dr.approvals,
    dr: dr.dr,
    config,
    logger,
    clock,
    ...(seams.approvalSweepIntervalMs !== undefined ? { sweepIntervalMs: seams.approvalSweepIntervalMs } : {}),
  });
  const bot = createSlackBot({
    platform,
    config,
    logger,
    store: backend.store,
    refs: backend.incidentMessageRefs,
    incidents: deps.engine,
    pageOnCall: (incident, actor) => pager.pageNow(incident, actor),
    ...(pager.enabled ? { pagingState: (id: string) => pager.pagingState(id) } : {}),
    submitAction: approvalUi.submitAction,
    listApprovals: approvalUi.listApprovals,
    evaluateReadiness: () => deps.readiness.evaluateNow(),
    silences: deps.silences,
    ...(deps.drills ? { drills: deps.drills } : {}),
    ...(deps.posture ? { posture: deps.posture } : {}),
    record: {
      engine: deps.engine,
      auditLog: backend.auditLog,
      timeline: { store: backend.store, auditLog: backend.auditLog, approvals: backend.approvals, compactions: backend.retention },
    },
    clock,
  });
  const record = bot.record as RecordCommands; // wired just above
  const archiver = new ChannelArchiver({
    config,
    schedule: backend.channelArchives,
    refs: backend.incidentMessageRefs,
    gateway: platform.gateway,
    record,
    audit: deps.audit,
    clock,
    logger: logger.child({ component: 'slack-archive' }),
  });
  const notices = new OperatorNotices({
    channel: config.slack.channel,
    operators: config.slack.operators,
    outbox: platform.outbox,
    seen: backend.seenDeliveries,
    secrets: [
      config.env.slackBotToken,
      config.env.slackSigningSecret,
      config.env.slackAppToken,
      config.env.pagerdutyRoutingKey,
      config.env.apiToken,
      config.env.statuspageApiKey,
      config.env.redisUrl,
      ...Object.values(config.env.hookTokens ?? {}),
      ...Object.values(config.env.drillTokens ?? {}),
    ],
    logger: logger.child({ component: 'slack' }),
  });

  const channel = config.slack.channel;
  const postureSchedule =
    config.posture && channel
      ? new PostureSchedule({
          schedule: config.posture.schedule,
          channel,
          compose: () => bot.statusAnswer(),
          outbox: platform.outbox,
          logger: logger.child({ component: 'posture' }),
        })
      : null;

  return {
    bot,
    archiver,
    approvalUi,
    notices,
    gateway: platform.gateway,
    outbox: platform.outbox,
    postureSchedule,
    async stop() {
      postureSchedule?.stop();
      await archiver.stop();
      await approvalUi.stop();
      // Notices being decided are queued before the outbox makes its last delivery pass.
      await notices.settled(1_000);
      await bot.stop();
    },
  };
}

/**
 * The Slack message link the pager puts in PagerDuty events, read from the backend's message
 * refs: built before the pager (and before the bot), so nothing has to be bound late.
 */
export function buildIncidentLinks(config: Config, backend: Backend, clock: Clock, logger: Logger): IncidentLinks {
  const slackLogger = logger.child({ component: 'slack' });
  return new IncidentLinks({
    messageRef: (id) => backend.incidentMessageRefs.get(id),
    permalinks: new WebApiPermalinks({ token: config.env.slackBotToken as string, apiUrl: config.env.slackApiUrl, logger: slackLogger }),
    slackApiUrl: config.env.slackApiUrl,
    clock,
    logger: slackLogger,
  });
}
