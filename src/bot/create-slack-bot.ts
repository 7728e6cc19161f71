import type { CommandHandlerDeps, DrillCommands } from './command-handler.js';
import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Incident } from '../core/incident.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/store.js';
import type { Silences } from '../noise/silences.js';
import type { BotMessage, EvaluateReadiness, IncidentCommands, ListApprovals, PageOnCall, SubmitAction } from './bot-ports.js';
import { CommandHandler } from './command-handler.js';
import type { SlackPlatform } from './create-slack-platform.js';
import { IncidentActionHandler } from './incident-action-handler.js';
import type { IncidentMessageRefs } from './incident-message-refs.js';
import { IncidentNotifier, type PagingStateLookup } from './incident-notifier.js';
import { RecordCommands, type RecordCommandsDeps } from './record-commands.js';
import { registerListeners } from './register-listeners.js';

/** What the bot needs from the rest of Lifeboat. */
export interface SlackBotDeps {
  /** The transport the bot's listeners go on and its messages go out through. */
  platform: SlackPlatform;
  config: Config;
  logger: Logger;
  store: Store;
  /** Where each incident's message lives (the backend's). */
  refs: IncidentMessageRefs;
  /** Ack and resolve for people (the incident engine). */
  incidents: IncidentCommands;
  pageOnCall: PageOnCall;
  /** The incident's paging state (pager.pagingState), shown on its message; absent when paging is off. */
  pagingState?: PagingStateLookup;
  /** `/dr failover|restore|statuspage` and the Propose buttons (the approval flow). */
  submitAction: SubmitAction;
  /** `/dr approvals` and `/dr status` (the approval flow). */
  listApprovals: ListApprovals;
  /** `/dr readiness` (the readiness monitor). */
  evaluateReadiness: EvaluateReadiness;
  /** `/dr silence|silences|unsilence`, and the silence shown on incident messages (SPEC §9). */
  silences?: Silences;
  /** `/dr drill` and `/dr drills` (SPEC §10). */
  drills?: DrillCommands;
  /** The DR posture `/dr status` shows (SPEC §10). */
  posture?: CommandHandlerDeps['posture'];
  /** `/dr declare`, `/dr timeline`, `/dr audit`: the engine, the audit log and the timeline's sources. */
  record?: Pick<RecordCommandsDeps, 'engine' | 'auditLog' | 'timeline'>;
  clock: Clock;
}

/** The bot on its platform: `notifier.listener` is what the incident engine tells. */
export interface SlackBot extends SlackPlatform {
  notifier: IncidentNotifier;
  /** The record-keeping commands (timelines for the channel archiver); null when not wired. */
  record: RecordCommands | null;
  /** What `/dr status` answers now (the posture schedule posts it). */
  statusAnswer(): Promise<BotMessage>;
}

/**
 * The incident side of the bot: `/dr` with its commands, the incident buttons, and the notifier
 * that posts and updates incident messages (subscribed to the engine by the caller).
 */
export function createSlackBot(deps: SlackBotDeps): SlackBot {
  const { platform, config, clock, store, refs, silences } = deps;
  const logger = deps.logger.child({ component: 'slack' });
  const { boltApp, gateway, outbox, permissions } = platform;

  const record = deps.record ? new RecordCommands({ ...deps.record, config, refs, gateway, clock, logger }) : null;
  const commands = new CommandHandler({
    config,
    store,
    incidents: deps.incidents,
    permissions,
    pageOnCall: deps.pageOnCall,
    submitAction: deps.submitAction,
    listApprovals: deps.listApprovals,
    evaluateReadiness: deps.evaluateReadiness,
    ...(deps.silences ? { silences: deps.silences } : {}),
    ...(deps.drills ? { drills: deps.drills } : {}),
    ...(deps.posture ? { posture: deps.posture } : {}),
    ...(record ? { record } : {}),
    clock,
    logger,
  });
  const actions = new IncidentActionHandler({ config, store, refs, permissions, gateway, commands, logger });
  registerListeners({ app: boltApp, config, commands, actions, permissions, gateway, clock, logger });

  const notifier = new IncidentNotifier({
    config,
    gateway: outbox.gateway,
    refs,
    outbox,
    operatorUserIds: () => permissions.operatorUserIds(),
    logger,
    // Whichever replica delivers an update renders the newest revision in the store.
    loadIncident: (id: string) => store.getIncident(id),
    ...(deps.pagingState ? { pagingState: deps.pagingState } : {}),
    ...(silences ? { silenceFor: (incident: Incident) => silences.inForceFor(incident.checkId) } : {}),
  });
  return { ...platform, notifier, record, statusAnswer: () => commands.statusAnswer() };
}
