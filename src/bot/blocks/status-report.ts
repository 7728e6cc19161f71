import type { CheckState } from '../../core/check-state.js';
import type { Incident } from '../../core/incident.js';
import type { ApprovalSummary } from '../bot-ports.js';
import { escapeMrkdwn } from '../slack-text.js';
import { formatAge } from './format-time.js';
import { fitSection, severityEmoji } from './mentions.js';

/** One configured check and what the store knows about it. */
export interface CheckPosture {
  id: string;
  type: string;
  state: CheckState | null;
}

/** What `/dr status` shows: the DR posture at `nowMs`. */
export interface StatusReportInput {
  checks: CheckPosture[];
  openIncidents: Incident[];
  /** Null when the approval layer could not be asked. */
  approvals: ApprovalSummary[] | null;
  nowMs: number;
}

/** Checks listed one per line before the rest are summarised. */
export const MAX_CHECK_LINES = 40;

/** The DR posture: per check state, last value, last run; lag and newest backups; incidents; approvals. */
export function statusReport(input: StatusReportInput): { text: string; blocks: unknown[] } {
  const { checks, openIncidents, approvals, nowMs } = input;
  const failing = checks.filter((c) => c.state?.lastResult && !c.state.lastResult.ok);
  const headline =
    openIncidents.length === 0 && failing.length === 0
      ? `:white_check_mark: All ${checks.length} checks passing, no open incidents.`
      : `:warning: ${failing.length} of ${checks.length} checks failing, ${openIncidents.length} open incident${openIncidents.length === 1 ? '' : 's'}.`;
  const blocks: unknown[] = [section(`*DR posture*\n${headline}`)];

  // Failing first, so they are never the ones summarised away.
  const ordered = [...failing, ...checks.filter((c) => !failing.includes(c))];
  const lines = ordered.slice(0, MAX_CHECK_LINES).map((c) => checkLine(c, nowMs));
  if (ordered.length > MAX_CHECK_LINES) lines.push(`…and ${ordered.length - MAX_CHECK_LINES} more`);
  if (lines.length > 0) blocks.push(section(`*Checks*\n${lines.join('\n')}`));

  const lag = checks.filter((c) => c.type === 'replication-lag').map((c) => lagLine(c));
  if (lag.length > 0) blocks.push(section(`*Replication lag*\n${lag.slice(0, MAX_CHECK_LINES).join('\n')}`));
  const backups = checks.filter((c) => c.type === 'backup').map((c) => backupLine(c, nowMs));
  if (backups.length > 0) blocks.push(section(`*Newest backups*\n${backups.slice(0, MAX_CHECK_LINES).join('\n')}`));

  const incidents = openIncidents.map(
    (i) => `${severityEmoji(i.severity)} *${i.id}* ${i.severity} \`${escapeMrkdwn(i.checkId)}\` — ${escapeMrkdwn(i.summary)} · open ${formatAge(nowMs - i.openedAt)}${i.state === 'acknowledged' ? ' · acknowledged' : ''}`,
  );
  blocks.push(section(`*Open incidents*\n${incidents.length > 0 ? incidents.join('\n') : 'none'}`));

  const pending =
    approvals === null
      ? 'could not be read right now'
      : approvals.length === 0
        ? 'none'
        : approvals.map((a) => `*${escapeMrkdwn(a.id)}* ${escapeMrkdwn(a.title)} · ${a.approvedBy.length}/${a.approvalsNeeded} approvals · expires in ${formatAge(a.expiresAt - nowMs)}`).join('\n');
  blocks.push(section(`*Pending approvals*\n${pending}`));

  return { text: `DR posture: ${headline.replace(/^:[a-z_]+: /, '')}`, blocks };
}

function section(text: string): unknown {
  return { type: 'section', text: { type: 'mrkdwn', text: fitSection(text) } };
}

function checkLine(check: CheckPosture, nowMs: number): string {
  const result = check.state?.lastResult;
  const name = `\`${escapeMrkdwn(check.id)}\` ${check.type}`;
  if (!result) return `:grey_question: ${name} — no result yet`;
  const icon = result.ok ? ':white_check_mark:' : ':x:';
  const incident = check.state?.openIncidentId ? ` · ${check.state.openIncidentId}` : '';
  return `${icon} ${name} — ${escapeMrkdwn(result.summary)} · ran ${formatAge(nowMs - result.startedAt)} ago${incident}`;
}

function lagLine(check: CheckPosture): string {
  const m = check.state?.lastResult?.measurement;
  const value = m?.kind === 'replication-lag' ? (m.lagSeconds === null ? 'no data' : `${m.lagSeconds}s`) : 'not measured yet';
  return `\`${escapeMrkdwn(check.id)}\` ${value}`;
}

function backupLine(check: CheckPosture, nowMs: number): string {
  const m = check.state?.lastResult?.measurement;
  if (m?.kind !== 'backup') return `\`${escapeMrkdwn(check.id)}\` not measured yet`;
  const newest = m.newestSnapshotId ? ` (${escapeMrkdwn(m.newestSnapshotId)})` : '';
  const age = m.ageSeconds === null ? 'no completed snapshot' : `${formatAge(m.ageSeconds * 1000)} old${newest}`;
  const copy =
    m.copyRegion === undefined
      ? ''
      : ` · copy in ${escapeMrkdwn(m.copyRegion)}: ${m.copyAgeSeconds === null || m.copyAgeSeconds === undefined ? 'none' : `${formatAge(m.copyAgeSeconds * 1000)} old`}`;
  const checked = check.state?.lastResult ? ` · checked ${formatAge(nowMs - check.state.lastResult.startedAt)} ago` : '';
  return `\`${escapeMrkdwn(check.id)}\` ${age}${copy}${checked}`;
}
