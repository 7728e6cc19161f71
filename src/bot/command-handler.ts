import type { Config } from '../config/types.js';
import type { ActionRequest, DrillRequest } from '../core/action-request.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { StoreError } from '../store/store-error.js';
import type { Store } from '../store/store.js';
import { readCheckStates, type CheckStates } from '../store/read-check-states.js';
import type { Silences } from '../noise/silences.js';
import { inForceByCheck, type Silence } from '../noise/silence.js';
import { approvalsList } from './blocks/approvals-list.js';
import { silenceCommand } from './silence-commands.js';
import { helpMessage } from './blocks/help-message.js';
import { incidentsList } from './blocks/incidents-list.js';
import { readinessList } from './blocks/readiness-list.js';
import { drillsList } from './blocks/drills-list.js';
import type { DrillListing } from '../drills/drill-service.js';
import type { Posture } from '../posture/posture.js';
import { statusReport, type CheckPosture } from './blocks/status-report.js';
import type {
  BotMessage,
  EvaluateReadiness,
  IncidentCommands,
  IncidentTransitionRefusal,
  ListApprovals,
  PageOnCall,
  Reply,
  SubmitAction,
} from './bot-ports.js';
import { READ_ONLY_SUBCOMMANDS, usageLine, type Subcommand } from './command-usage.js';
import { LastKnownPosture, type IncidentsSnapshot, type StatusSnapshot } from './last-known-posture.js';
import type { ParsedCommand } from './parse-command.js';
import type { DrillCommand } from './parse-drill-command.js';
import type { RecordCommand } from './parse-record-commands.js';
import type { RecordCommands } from './record-commands.js';
import type { Permissions } from './permissions.js';
import { actorOf, type Requester } from './requester.js';
import { nothingRemembered, staleAnswer } from './stale-answer.js';
import { internalFailure, NO_DRILLS_CONFIGURED, permissionRefusal, transitionRefusal } from './user-messages.js';

/** Recently resolved incidents `/dr incidents` lists under the open ones. */
export const RECENT_RESOLVED_LIMIT = 5;
/**
 * Longest `/dr status` and `/dr incidents` wait for the store before answering from this
 * replica's last known posture (Redis' own command timeout is 2 s, with one retry).
 */
export const STORE_READ_DEADLINE_MS = 2_000; // 2 seconds

export interface CommandHandlerDeps {
  config: Pick<Config, 'slack' | 'checks'>;
  store: Store;
  incidents: IncidentCommands;
  permissions: Permissions;
  pageOnCall: PageOnCall;
  submitAction: SubmitAction;
  listApprovals: ListApprovals;
  evaluateReadiness: EvaluateReadiness;
  /** `/dr declare`, `/dr timeline` and `/dr audit`; without it they answer that they are unavailable. */
  record?: RecordCommands;
  clock: Clock;
  logger: Logger;
  /** Test seam: STORE_READ_DEADLINE_MS unless given. */
  storeReadDeadlineMs?: number;
  /** `/dr silence|silences|unsilence` (SPEC §9); absent: those commands say so. */
  silences?: Silences;
  /** `/dr drill` and `/dr drills` (SPEC §10); absent: those commands say so. */
  drills?: DrillCommands;
  /**
   * The DR posture `/dr status` shows (SPEC §10): databases, runbooks against objectives, drills;
   * never throws. It is given the check states `/dr status` read (its `checkIds()` among them).
   */
  posture?: { checkIds(): string[]; assess(states: Promise<CheckStates>): Promise<Posture> };
}

/** Drills as the commands see them (DrillService). */
export interface DrillCommands {
  /** A Multi-AZ failover drill's approval request; null for a restore drill, which `start` runs. */
  approvalRequest(name: string, dryRun: boolean): DrillRequest | null;
  start(name: string, actor?: string): Promise<{ ok: true; runId: string } | { ok: false; reason: string }>;
  list(): Promise<DrillListing[]>;
}

/** `<#C0INCIDENTS>` for a channel id, `#name` for a name. */
function channelMention(channel: string | undefined): string {
  if (!channel) return 'the Lifeboat channel';
  return /^[CG][A-Z0-9]+$/.test(channel) ? `<#${channel}>` : `#${channel.replace(/^#/, '')}`;
}

/** A read-only command's store reads failed or took too long: answer from memory. */
class StoreUnreachable extends Error {
  override readonly name = 'StoreUnreachable';
}

/**
 * Carries out a parsed `/dr` command after it was acknowledged: checks permission (operators act,
 * everyone reads), does the work and answers the requester through `reply`. Never throws.
 * `status` and `incidents` remember their last answer's data, and show it marked stale (with its
 * age) while the store is unreachable; every other command still refuses then.
 */
export class CommandHandler {
  private readonly lastKnown = new LastKnownPosture();

  constructor(private readonly deps: CommandHandlerDeps) {}

  async handle(subcommand: Subcommand, command: ParsedCommand, requester: Requester, reply: Reply): Promise<void> {
    const usage = usageLine(this.deps.config.slack.command, subcommand);
    try {
      const verdict = READ_ONLY_SUBCOMMANDS.has(subcommand) ? 'permitted' : await this.deps.permissions.operatorVerdict(requester.userId);
      if (verdict !== 'permitted') {
        this.deps.logger.info({ userId: requester.userId, subcommand, verdict }, 'refused a /dr command from a non-operator');
        await reply({ text: `${permissionRefusal(verdict, `run \`${this.deps.config.slack.command} ${subcommand}\``)}\n${usage}` });
        return;
      }
      const answer = await this.run(command, requester, reply);
      if (answer) await reply(answer);
    } catch (err) {
      // A raw client error (ioredis' "Command timed out") is a store outage if the store says so.
      const failure =
        !(err instanceof StoreError) && (await this.storeUnreachable())
          ? new StoreError('LIFEBOAT_STORE_UNAVAILABLE', 'the store did not answer while carrying out a command', { cause: err })
          : err;
      const text = internalFailure(this.deps.logger, failure, `/dr ${subcommand}`, { userId: requester.userId });
      await reply({ text: `${text}\n${usage}` });
    }
  }

  /** True when the store does not answer a PING within the read deadline. Never throws. */
  private async storeUnreachable(): Promise<boolean> {
    try {
      await this.storeRead(this.deps.store.ping());
      return false;
    } catch {
      return true;
    }
  }

  /** The answer, or null when the work answered the requester itself (the approval layer). */
  private async run(command: ParsedCommand, requester: Requester, reply: Reply): Promise<BotMessage | null> {
    const { store, incidents, clock } = this.deps;
    switch (command.kind) {
      case 'help':
        return helpMessage(this.deps.config.slack.command);
      case 'status':
        return this.statusAnswer();
      case 'incidents':
        return this.incidents();
      case 'approvals':
        return approvalsList(await this.deps.listApprovals(), clock.now());
      case 'readiness':
        return readinessList(await this.deps.evaluateReadiness());
      case 'ack': {
        const result = await incidents.acknowledge(command.incidentId, requester.userId);
        return { text: result.ok ? `Acknowledged ${command.incidentId}.` : this.refusal(result.reason, command.incidentId, 'ack') };
      }
      case 'resolve': {
        const result = await incidents.resolve(command.incidentId, requester.userId, command.note);
        return { text: result.ok ? `Resolved ${command.incidentId}.` : this.refusal(result.reason, command.incidentId, 'resolve') };
      }
      case 'page':
        return this.page(command.incidentId, requester);
      case 'silence':
      case 'silences':
      case 'unsilence':
        return silenceCommand(command, requester, { silences: this.deps.silences, clock, logger: this.deps.logger });
      case 'action': {
        const { request } = command;
        if (request.kind === 'statuspage') {
          const incident = await store.getIncident(request.incidentId);
          if (!incident) return { text: this.refusal('not-found', request.incidentId, 'statuspage') };
        }
        this.deps.logger.info({ userId: requester.userId, request: describeRequest(request) }, 'handing a request to the approval layer');
        // The approval layer answers through `reply` itself (plan, approval request, refusal).
        await this.deps.submitAction(request, actorOf(requester), reply);
        return null;
      }
      case 'declare':
      case 'timeline':
      case 'audit':
        return this.record(command, requester);
      case 'drill':
      case 'drills':
        return this.drill(command, requester, reply);
    }
  }

  private async drill(command: DrillCommand, requester: Requester, reply: Reply): Promise<BotMessage | null> {
    const { drills, config } = this.deps;
    // No `drills:` section builds no drill service: the listing is empty, not unavailable.
    if (!drills) return command.kind === 'drills' ? drillsList([]) : { text: NO_DRILLS_CONFIGURED };
    if (command.kind === 'drills') return drillsList(await drills.list());
    // Disruptive: a Multi-AZ failover drill goes through two-person approval like a failover.
    const request = drills.approvalRequest(command.drill, command.dryRun === true);
    if (request) {
      this.deps.logger.info({ userId: requester.userId, request: describeRequest(request) }, 'handing a request to the approval layer');
      await this.deps.submitAction(request, actorOf(requester), reply);
      return null;
    }
    if (command.dryRun)
      return { text: `Drill ${command.drill} is a restore drill: it has no dry run (it changes nothing but its own temporary copy).` };
    const started = await drills.start(command.drill, requester.userId);
    this.deps.logger.info({ userId: requester.userId, drill: command.drill, started }, 'drill requested');
    return {
      text: started.ok
        ? `Drill ${command.drill} started as ${started.runId}: its progress and result are posted in ${channelMention(config.slack.channel)}.`
        : `Drill ${command.drill} was not started: ${started.reason}.`,
    };
  }

  private async record(command: RecordCommand, requester: Requester): Promise<BotMessage> {
    const { record } = this.deps;
    if (!record) return { text: `\`${this.deps.config.slack.command} ${command.kind}\` is not available in this deployment.` };
    switch (command.kind) {
      case 'declare':
        return record.declare(command.severity, command.title, requester.userId);
      case 'timeline': {
        const answer = await record.timeline(command.incidentId);
        return answer ?? { text: this.refusal('not-found', command.incidentId, 'timeline') };
      }
      case 'audit':
        return record.audit(command.count);
    }
  }

  /** A refused ack/resolve/page; an incident id that does not exist was wrong input, so the usage line follows. */
  private refusal(
    reason: IncidentTransitionRefusal,
    incidentId: string,
    subcommand: 'ack' | 'resolve' | 'page' | 'statuspage' | 'timeline',
  ): string {
    const text = transitionRefusal(reason, incidentId);
    return reason === 'not-found' ? `${text}\n${usageLine(this.deps.config.slack.command, subcommand)}` : text;
  }

  /**
   * `/dr status`, and what the posture schedule posts: the store's reads and the DR posture (AWS
   * cached, every part bounded) at once, so the answer never waits for the slower one twice. The
   * check lines and the posture share one read of the check states (backups and lag are in both),
   * so each state is read once per answer, as of the request.
   */
  async statusAnswer(): Promise<BotMessage> {
    const { store, config, clock, logger } = this.deps;
    const states = readCheckStates(store, [...config.checks.map((c) => c.id), ...(this.deps.posture?.checkIds() ?? [])]);
    const posture = this.deps.posture?.assess(states).catch((err: unknown) => {
      logger.error({ err }, '/dr status could not assess the DR posture; shown without it');
      return null;
    });
    let snapshot: StatusSnapshot;
    try {
      const [read, openIncidents, silences] = await this.storeRead(Promise.all([states, store.listOpenIncidents(), this.readSilences()]));
      const checks = config.checks.map((c): CheckPosture => ({ id: c.id, type: c.type, state: read.get(c.id) ?? null }));
      snapshot = { checks, openIncidents, approvals: null, silences };
    } catch (err) {
      const remembered = this.lastKnown.status;
      this.logStale('status', err, remembered?.readAtMs);
      if (!remembered) return { text: nothingRemembered(`${config.slack.command} status`) };
      const now = clock.now();
      return staleAnswer(
        statusReport({ ...remembered.data, silenced: inForceByCheck(remembered.data.silences, now), nowMs: now }),
        now - remembered.readAtMs,
      );
    }
    snapshot.posture = (await posture) ?? null;
    try {
      snapshot.approvals = await this.deps.listApprovals();
    } catch (err) {
      logger.error({ err }, '/dr status could not list pending approvals; shown as unavailable');
    }
    this.lastKnown.rememberStatus(snapshot, clock.now());
    const now = clock.now();
    return statusReport({ ...snapshot, silenced: inForceByCheck(snapshot.silences, now), nowMs: now });
  }

  /** Silences and windows in force or to come, read once for a whole answer (not per incident). */
  private async readSilences(): Promise<Silence[]> {
    return this.deps.silences ? this.deps.silences.current() : [];
  }

  private async incidents(): Promise<BotMessage> {
    const { store, config, clock } = this.deps;
    let snapshot: IncidentsSnapshot;
    try {
      const [open, recent, silences] = await this.storeRead(
        Promise.all([store.listOpenIncidents(), store.listRecentIncidents(RECENT_RESOLVED_LIMIT * 4), this.readSilences()]),
      );
      snapshot = { open, resolved: recent.filter((i) => i.state === 'resolved').slice(0, RECENT_RESOLVED_LIMIT), silences };
    } catch (err) {
      const remembered = this.lastKnown.incidents;
      this.logStale('incidents', err, remembered?.readAtMs);
      if (!remembered) return { text: nothingRemembered(`${config.slack.command} incidents`) };
      const { open, resolved, silences } = remembered.data;
      return staleAnswer(incidentsList(open, resolved, inForceByCheck(silences, clock.now())), clock.now() - remembered.readAtMs);
    }
    this.lastKnown.rememberIncidents(snapshot, clock.now());
    return incidentsList(snapshot.open, snapshot.resolved, inForceByCheck(snapshot.silences, clock.now()));
  }

  /**
   * A read-only command's store reads, bounded by the deadline. Fails with StoreUnreachable when
   * the store failed or was too slow; a corrupt value is not an outage and is thrown as is.
   */
  private async storeRead<T>(reads: Promise<T>): Promise<T> {
    const deadlineMs = this.deps.storeReadDeadlineMs ?? STORE_READ_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnreachable(`the store did not answer within ${deadlineMs} ms`)), deadlineMs);
    });
    try {
      return await Promise.race([reads, deadline]);
    } catch (err) {
      if (err instanceof StoreError && err.code !== 'LIFEBOAT_STORE_UNAVAILABLE') throw err;
      if (err instanceof StoreUnreachable) throw err;
      throw new StoreUnreachable(err instanceof Error ? err.message : String(err), { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Logs a read-only command answered from memory; rethrows anything that is not an outage. */
  private logStale(subcommand: 'status' | 'incidents', err: unknown, readAtMs: number | undefined): void {
    if (!(err instanceof StoreUnreachable)) throw err;
    const ageMs = readAtMs === undefined ? null : this.deps.clock.now() - readAtMs;
    this.deps.logger.warn(
      { err, subcommand, rememberedAgeMs: ageMs },
      `/dr ${subcommand} could not read the store; answered ${ageMs === null ? 'that nothing is remembered' : 'with the last known posture, marked stale'}. Check REDIS_URL and Redis`,
    );
  }

  private async page(incidentId: string, requester: Requester): Promise<BotMessage> {
    const incident = await this.deps.store.getIncident(incidentId);
    if (!incident) return { text: this.refusal('not-found', incidentId, 'page') };
    if (incident.state === 'resolved') return { text: `${incidentId} is resolved; there is nothing to page for.` };
    const result = await this.deps.pageOnCall(incident, actorOf(requester));
    if (result.ok) return { text: result.message ?? `Paged on-call for ${incidentId}.` };
    return { text: result.message };
  }
}

function describeRequest(request: ActionRequest): string {
  switch (request.kind) {
    case 'failover':
      return `failover ${request.runbook}${request.dryRun ? ' (dry run)' : ''}`;
    case 'restore':
      return `restore ${request.runbook}${request.dryRun ? ' (dry run)' : ''}`;
    case 'statuspage':
      return `status page update for ${request.incidentId} (${request.status})`;
    case 'resume':
      return `resume of ${request.approvalId}${request.dryRun ? ' (dry run)' : ''}`;
    case 'revert-dns':
      return `DNS revert of ${request.approvalId}${request.dryRun ? ' (dry run)' : ''}`;
    case 'drill':
      return `Multi-AZ failover drill ${request.drill}${request.dryRun ? ' (dry run)' : ''}`;
  }
}
