import type { types } from '@slack/bolt';
import type { CheckState } from '../../core/check-state.js';
import type { Incident } from '../../core/incident.js';
import type { ApprovalSummary } from '../bot-ports.js';
import { escapeMrkdwn } from '../slack-text.js';
import { formatAge } from '../../core/format-time.js';
import { listSections, shortenVisibly } from './fit-list.js';
import { severityEmoji } from './mentions.js';
import { mrkdwnSection } from './mrkdwn-sections.js';
import type { Posture } from '../../posture/posture.js';
import { postureHeadline, postureSections } from './posture-report.js';
import type { Silence } from '../../noise/silence.js';
import { silencedSuffix } from './silence-marker.js';

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
  /** Databases, runbooks against their objectives, drills (SPEC §10); absent where not wired. */
  posture?: Posture | null;
  /** Check id -> the silence in force on it (SPEC §9), marked on its check and incident lines. */
  silenced?: ReadonlyMap<string, Silence>;
  nowMs: number;
}

/** Sections each list may fill before the rest are counted ("…and N more"). */
const CHECK_SECTIONS = 3;
const INCIDENT_SECTIONS = 2;
/** Characters of a check's or incident's summary a line shows. */
const LINE_SUMMARY_CHARS = 150;

/** The DR posture: databases, runbooks and drills (SPEC §10); per check state, last value, last run; lag and newest backups; incidents; approvals. */
export function statusReport(input: StatusReportInput): { text: string; blocks: types.KnownBlock[] } {
  const { checks, openIncidents, approvals, nowMs } = input;
  const silenced = input.silenced ?? new Map<string, Silence>();
  const failing = checks.filter((c) => c.state?.lastResult && !c.state.lastResult.ok);
  const headline =
    openIncidents.length === 0 && failing.length === 0
      ? `:white_check_mark: All ${checks.length} checks passing, no open incidents.`
      : `:warning: ${failing.length} of ${checks.length} checks failing, ${openIncidents.length} open incident${openIncidents.length === 1 ? '' : 's'}.`;
  const posture = input.posture ? postureHeadline(input.posture) : null;
  const blocks: types.KnownBlock[] = [mrkdwnSection(`*DR posture*\n${headline}${posture ? `\n:x: ${posture}.` : ''}`)];
  if (input.posture) blocks.push(...postureSections(input.posture));

  // Failing first, so they are never the ones counted away.
  const ordered = [...failing, ...checks.filter((c) => !failing.includes(c))];
  if (ordered.length > 0)
    blocks.push(
      ...listSections(
        '*Checks*',
        ordered.map((c) => checkLine(c, nowMs) + silencedSuffix(c.id, silenced)),
        { maxSections: CHECK_SECTIONS },
      ),
    );

  const lag = checks.filter((c) => c.type === 'replication-lag').map((c) => lagLine(c));
  if (lag.length > 0) blocks.push(...listSections('*Replication lag*', lag, { maxSections: 1 }));
  const backups = checks.filter((c) => c.type === 'backup').map((c) => backupLine(c, nowMs));
  if (backups.length > 0) blocks.push(...listSections('*Newest backups*', backups, { maxSections: 1 }));

  const incidents = openIncidents.map(
    (i) =>
      `${severityEmoji(i.severity)} *${i.id}* ${i.severity} \`${escapeMrkdwn(i.checkId)}\` — ${shortenVisibly(escapeMrkdwn(i.summary), LINE_SUMMARY_CHARS)} · open ${formatAge(nowMs - i.openedAt)}${i.state === 'acknowledged' ? ' · acknowledged' : ''}${silencedSuffix(i.checkId, silenced)}`,
  );
  blocks.push(...listSections('*Open incidents*', incidents, { maxSections: INCIDENT_SECTIONS }));

  if (approvals === null) blocks.push(mrkdwnSection('*Pending approvals*\ncould not be read right now'));
  else {
    const pending = approvals.map(
      (a) =>
        `*${escapeMrkdwn(a.id)}* ${escapeMrkdwn(a.title)} · ${a.approvedBy.length}/${a.approvalsNeeded} approvals · expires in ${formatAge(a.expiresAt - nowMs)}`,
    );
    blocks.push(...listSections('*Pending approvals*', pending, { maxSections: 1 }));
  }

  return { text: `DR posture: ${headline.replace(/^:[a-z_]+: /, '')}${posture ? ` ${posture}.` : ''}`, blocks };
}

function checkLine(check: CheckPosture, nowMs: number): string {
  const result = check.state?.lastResult;
  const name = `\`${escapeMrkdwn(check.id)}\` ${check.type}`;
  if (!result) return `:grey_question: ${name} — no result yet`;
  const icon = result.ok ? ':white_check_mark:' : ':x:';
  const incident = check.state?.openIncidentId ? ` · ${check.state.openIncidentId}` : '';
  return `${icon} ${name} — ${shortenVisibly(escapeMrkdwn(result.summary), LINE_SUMMARY_CHARS)} · ran ${formatAge(nowMs - result.startedAt)} ago${incident}`;
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
