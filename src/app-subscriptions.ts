import type { DrillParts } from './drills/build-drills.js';
import type { DrParts } from './app-dr.js';
import type { SlackParts } from './app-slack.js';
import type { AuditRecorder } from './audit/audit-recorder.js';
import type { Backend } from './backend/create-backend.js';
import { incidentOutcomeNote } from './bot/approvals/incident-outcome-note.js';
import { pagingAuthNotice, statusPageAuthNotice } from './bot/operator-notices.js';
import type { IncidentEngine } from './incidents/incident-engine.js';
import type { LeaderElector } from './monitor/leader-elector.js';
import type { Monitor } from './monitor/monitor.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { NoiseParts } from './noise/create-noise.js';
import type { Pager } from './paging/pager.js';
import type { ReadinessMonitor } from './readiness/readiness-monitor.js';
import type { StatusPageModule } from './statuspage/create-status-page.js';

/** The built parts whose events other parts act on. */
export interface SubscribedParts {
  logger: Logger;
  metrics: Metrics;
  backend: Backend;
  elector: LeaderElector;
  monitor: Monitor;
  readiness: ReadinessMonitor;
  engine: IncidentEngine;
  pager: Pager;
  statusPage: StatusPageModule;
  dr: DrParts | null;
  slack: SlackParts | null;
  noise: NoiseParts;
  audit: AuditRecorder;
  /** Restore drills; their schedule runs on the leader. */
  drills?: DrillParts | null;
}

/**
 * Every "when X happens, Y acts" in the service, in one place and in the order it matters: the
 * parts are built without knowing who listens. Returns the function that detaches Slack's
 * listeners, called on stop before Slack's outbox makes its last pass.
 */
export function subscribeParts(parts: SubscribedParts): () => void {
  const { logger, metrics, backend, elector, monitor, readiness, engine, pager, statusPage, dr, slack, noise, audit } = parts;

  // A term as leader runs the monitor and the readiness loop; its lease fences every result of
  // the runs it starts, even ones that land after the term ended.
  elector.onTerm({
    elected: (lease) => {
      metrics.isLeader.set(1);
      engine.resetCache();
      monitor.start(lease);
      readiness.start(lease);
      parts.drills?.scheduler.start();
      parts.drills?.incidents.start(lease);
      parts.slack?.postureSchedule?.start();
      // Drills whose process died are cleaned up by the leader: now, then every minute.
      parts.drills?.recovery.start();
      // Ended silences and due reminders are noticed by the leader's timer, not by the next check run.
      noise.sweeper.start();
    },
    demoted: () => {
      metrics.isLeader.set(0);
      // stop() ends the term before its first await: from here no result of ours is written.
      monitor.stop().catch((err: unknown) => logger.error({ err }, 'monitor did not stop cleanly after demotion'));
      readiness.stop().catch((err: unknown) => logger.error({ err }, 'readiness loop did not stop cleanly after demotion'));
      parts.drills?.scheduler.stop();
      parts.drills?.incidents.stop().catch((err: unknown) => logger.error({ err }, 'drill incidents did not stop cleanly after demotion'));
      parts.slack?.postureSchedule?.stop();
      parts.drills?.recovery.stop().catch((err: unknown) => logger.error({ err }, 'drill recovery did not stop cleanly after demotion'));
      noise.sweeper.stop().catch((err: unknown) => logger.error({ err }, 'noise sweep did not stop cleanly after demotion'));
    },
  });

  // Incident changes page by policy, then reach Slack, both through the noise gate: a silenced
  // check's changes page nobody and post nothing new (SPEC §9). Paging before Slack's notifier,
  // so an incident's first message already shows its page.
  engine.subscribe(noise.gate.listener);
  noise.gate.attachPager(
    (change) => pager.onIncidentChange(change),
    pager.holdEscalation ? (incidentId) => pager.holdEscalation?.(incidentId) ?? Promise.resolve() : undefined,
  );
  // Every transition is audited, with who made it (SPEC §11), silenced or not.
  engine.subscribe(audit.onIncidentChange);
  // Bounded growth (config `retention`): a resolved incident is compacted and expires.
  const { retention } = backend;
  if (retention) engine.subscribe((change) => (change.event?.type === 'resolved' ? retention.onResolved(change.incident) : undefined));

  // A drill's outcome opens or resolves its incident at once when it ran on the leader (the
  // leader's poll applies the others'), through the same gate as every incident.
  parts.drills?.service.onFinished(() => void parts.drills?.incidents.nudge());

  // An approved request runs on the replica that claimed it.
  if (dr) dr.approvals.onExecute(dr.dr.execute);

  if (!slack || !dr) return () => undefined;
  const { bot, approvalUi, notices } = slack;
  const detach = [
    // Incidents are posted and kept current in Slack, with their paging state.
    noise.gate.attachSlack({
      post: bot.notifier.listener,
      refresh: (incidentId) => bot.notifier.refresh(incidentId),
      note: (incidentId, text) => bot.notifier.noteOnIncident(incidentId, text),
    }),
    // A resolved incident's dedicated channel is archived later, its timeline posted there first.
    engine.subscribe(slack.archiver.onIncidentChange),
    pager.subscribe((state) => bot.notifier.onPagingChange(state.incidentId)),
    // Approval requests' messages follow their state; runs report progress in their threads.
    dr.approvals.onChange(approvalUi.onApprovalChange),
    dr.actions.progress.subscribe(approvalUi.reporter),
    // A run's outcome is noted on the incident it was requested from.
    dr.approvals.onChange(({ approval }) => {
      const note = incidentOutcomeNote(approval);
      if (note) bot.notifier.noteOnIncident(note.incidentId, note.text);
    }),
    // A refused PagerDuty or Statuspage key is told to operators once.
    pager.onAuthFailure((error) => notices.notify('paging-auth', pagingAuthNotice(error))),
    statusPage.onAuthFailure((error) => notices.notify('statuspage-auth', statusPageAuthNotice(error))),
  ];
  return () => {
    for (const off of detach) off();
  };
}
