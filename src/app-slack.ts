import type { Redis } from 'ioredis';
import type { DrParts } from './app-dr.js';
import { createApprovalUi, type ApprovalUi } from './bot/approvals/create-approval-ui.js';
import { incidentOutcomeNote } from './bot/approvals/incident-outcome-note.js';
import { createSlackBot, type SlackBot } from './bot/create-slack-bot.js';
import { IncidentLinks, WebApiPermalinks } from './bot/incident-links.js';
import { MemorySeenDeliveries } from './bot/memory-seen-deliveries.js';
import { OperatorNotices, pagingAuthNotice } from './bot/operator-notices.js';
import { RedisSeenDeliveries } from './bot/redis-seen-deliveries.js';
import type { Config } from './config/types.js';
import type { Clock } from './core/clock.js';
import type { IncidentEngine } from './incidents/incident-engine.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { Pager } from './paging/pager.js';
import type { Store } from './store/store.js';

export interface SlackParts {
  bot: SlackBot;
  approvalUi: ApprovalUi;
  /** The Slack message link the pager puts in PagerDuty events. */
  links: IncidentLinks;
  /** One-time notices to operators (a refused PagerDuty or Statuspage key). */
  notices: OperatorNotices;
  stop(): Promise<void>;
}

export interface SlackDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  store: Store;
  redis: Redis | null;
  keyPrefix: string;
  engine: IncidentEngine;
  pager: Pager;
  dr: DrParts;
}

/**
 * The bot and the approval flow on it. They need each other (the bot routes `/dr failover` to
 * the approval flow; the flow registers its buttons on the bot's Bolt app), so the bot gets
 * forwarding functions that the flow fills in right after.
 */
export function buildSlack(deps: SlackDeps): SlackParts {
  const { config, logger, clock, pager } = deps;
  let approvalUi: ApprovalUi | null = null;
  const ui = (): ApprovalUi => {
    if (!approvalUi) throw new Error('the approval flow is not wired yet');
    return approvalUi;
  };
  const bot = createSlackBot({
    config,
    logger,
    metrics: deps.metrics,
    store: deps.store,
    redis: deps.redis,
    keyPrefix: deps.keyPrefix,
    engine: deps.engine,
    pageOnCall: (incident, actor) => pager.pageNow(incident, actor),
    ...(pager.enabled ? { pagingState: (id: string) => pager.pagingState(id) } : {}),
    submitAction: (request, actor, reply) => ui().submitAction(request, actor, reply),
    listApprovals: () => ui().listApprovals(),
    clock,
  });
  approvalUi = createApprovalUi({
    boltApp: bot.boltApp,
    gateway: bot.gateway,
    outbox: bot.outbox,
    permissions: bot.permissions,
    approvals: deps.dr.approvals,
    dr: deps.dr.dr,
    config,
    logger,
    clock,
    redis: deps.redis,
    keyPrefix: deps.keyPrefix,
  });
  deps.dr.reporter.attach(approvalUi.reporter);
  deps.dr.approvals.onChange(({ approval }) => {
    const note = incidentOutcomeNote(approval);
    if (note) bot.notifier.noteOnIncident(note.incidentId, note.text);
  });
  pager.subscribe((state) => bot.notifier.onPagingChange(state.incidentId));

  const slackLogger = logger.child({ component: 'slack' });
  const links = new IncidentLinks({
    messageRef: (id) => bot.notifier.messageRef(id),
    permalinks: new WebApiPermalinks({ token: config.env.slackBotToken as string, apiUrl: config.env.slackApiUrl, logger: slackLogger }),
    slackApiUrl: config.env.slackApiUrl,
    clock,
    logger: slackLogger,
  });
  const notices = new OperatorNotices({
    channel: config.slack.channel,
    operators: config.slack.operators,
    outbox: bot.outbox,
    seen: deps.redis ? new RedisSeenDeliveries(deps.redis, deps.keyPrefix) : new MemorySeenDeliveries(clock),
    secrets: [
      config.env.slackBotToken,
      config.env.slackSigningSecret,
      config.env.slackAppToken,
      config.env.pagerdutyRoutingKey,
      config.env.statuspageApiKey,
      config.env.redisUrl,
    ],
    logger: slackLogger,
  });
  pager.onAuthFailure((error) => notices.notify('paging-auth', pagingAuthNotice(error)));

  const ready = approvalUi;
  return {
    bot,
    approvalUi: ready,
    links,
    notices,
    async stop() {
      await ready.stop();
      // Notices being decided are queued before the bot's outbox makes its last delivery pass.
      await notices.settled(1_000);
      await bot.stop();
    },
  };
}
