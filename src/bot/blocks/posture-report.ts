import type { types } from '@slack/bolt';
import { formatAge, formatAgeDecimal, formatDurationHms } from '../../core/format-time.js';
import type { DatabasePosture, DrillPosture, Judgement, Posture, RunbookPosture } from '../../posture/posture.js';
import { escapeMrkdwn } from '../slack-text.js';
import { listSections, shortenVisibly } from './fit-list.js';

/** Sections each list may fill before "…and N more" (the whole status stays far under 50 blocks). */
const DATABASE_SECTIONS = 4;
const RUNBOOK_SECTIONS = 4;
const DRILL_SECTIONS = 2;
/** Longest reason (a readiness refusal, a drill's failure, AWS' answer) one line quotes. */
const REASON_CHARS = 300;

const name = (text: string) => `\`${escapeMrkdwn(text)}\``;

/** "1 runbook misses an objective or is not ready, 2 databases need attention", or null when nothing does. */
export function postureHeadline(posture: Posture): string | null {
  const runbooks = posture.runbooks.filter((r) => r.attention.length > 0).length;
  const databases = posture.databases.filter((d) => d.attention.length > 0).length;
  const parts = [
    ...(runbooks > 0
      ? [`${runbooks} runbook${runbooks === 1 ? ' misses an objective or is' : 's miss an objective or are'} not ready`]
      : []),
    ...(databases > 0 ? [`${databases} database${databases === 1 ? ' needs' : 's need'} attention`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : null;
}

/** The DR posture's sections (SPEC §10): what is unavailable, databases, runbooks, drills; attention first in each. */
export function postureSections(posture: Posture): types.SectionBlock[] {
  const { nowMs } = posture;
  const blocks: types.SectionBlock[] = [];
  const notes = posture.unavailable.map((u) => `:grey_question: ${shortenVisibly(escapeMrkdwn(u), REASON_CHARS)}`);
  if (posture.awsAgeMs > 0) notes.push(`:hourglass: AWS facts as read ${formatAge(posture.awsAgeMs)} ago`);
  if (notes.length > 0) blocks.push(...listSections('*Not current right now*', notes, { maxSections: 1 }));
  if (posture.databases.length > 0) {
    blocks.push(...listSections('*Databases*', posture.databases.map(databaseLine), { maxSections: DATABASE_SECTIONS }));
  }
  if (posture.runbooks.length > 0) {
    blocks.push(
      ...listSections(
        '*Runbooks*',
        posture.runbooks.map((r) => runbookLine(r, nowMs)),
        { maxSections: RUNBOOK_SECTIONS },
      ),
    );
  }
  if (posture.drills === null) blocks.push(...listSections('*Drills*', [], { maxSections: 1, empty: 'could not be read right now' }));
  else if (posture.drills.length > 0)
    blocks.push(...listSections('*Drills*', posture.drills.map(drillLine), { maxSections: DRILL_SECTIONS }));
  return blocks;
}

/** `:warning: *single-AZ, not encrypted at rest* — `orders-db` instance us-east-1 · Multi-AZ: no · …` */
export function databaseLine(d: DatabasePosture): string {
  const { db, facts } = d;
  const icon = d.attention.length > 0 ? ':warning:' : facts ? ':white_check_mark:' : ':grey_question:';
  const lead = d.attention.length > 0 ? `*${escapeMrkdwn(d.attention.join(', '))}* — ` : '';
  const parts: string[] = [];
  if (facts === undefined) parts.push(`AWS facts unavailable (${shortenVisibly(escapeMrkdwn(d.unavailable ?? 'not read'), REASON_CHARS)})`);
  if (facts) {
    if (facts.status !== 'available') parts.push(`status ${escapeMrkdwn(facts.status)}`);
    parts.push(`Multi-AZ: ${yesNo(facts.multiAz)}`);
    parts.push(
      `backup retention: ${facts.backupRetentionDays === undefined ? 'unknown' : `${facts.backupRetentionDays} day${facts.backupRetentionDays === 1 ? '' : 's'}`}`,
    );
    parts.push(`encrypted at rest: ${yesNo(facts.encrypted)}`);
    parts.push(`deletion protection: ${yesNo(facts.deletionProtection)}`);
    if (facts.replicaSource) parts.push(`replica of ${name(facts.replicaSource)}`);
    else if (d.rpoMs !== undefined) parts.push(`latest restorable ${formatAge(d.rpoMs)} ago (the RPO if lost now)`);
    else parts.push('no latest restorable time');
  }
  for (const b of d.backups) parts.push(backupPart(b));
  if (d.snapshot) parts.push(unwatchedSnapshotPart(d.snapshot));
  for (const l of d.lag) {
    const value = l.lagSeconds === undefined ? 'not measured yet' : l.lagSeconds === null ? 'no data' : `${l.lagSeconds}s`;
    parts.push(`replica lag ${value} (check ${name(l.checkId)})`);
  }
  return `${icon} ${lead}${name(db.id)} ${db.kind} ${escapeMrkdwn(db.region)} · ${parts.join(' · ')}`;
}

function backupPart(b: DatabasePosture['backups'][number]): string {
  const m = b.measurement;
  const check = `(check ${name(b.checkId)})`;
  if (!m) return `newest snapshot not checked yet ${check}`;
  const snapshot =
    m.ageSeconds === null
      ? 'no completed snapshot'
      : `newest snapshot${m.newestSnapshotId ? ` ${name(m.newestSnapshotId)}` : ''} ${formatAgeDecimal(m.ageSeconds * 1000)} old`;
  const copy =
    m.copyRegion === undefined
      ? ''
      : `, copy in ${escapeMrkdwn(m.copyRegion)}: ${typeof m.copyAgeSeconds === 'number' ? `${formatAgeDecimal(m.copyAgeSeconds * 1000)} old` : 'none'}`;
  return `${snapshot}${copy} ${check}`;
}

/** A database no backup check watches: what AWS lists now, and that no copy region is configured for it. */
function unwatchedSnapshotPart(s: NonNullable<DatabasePosture['snapshot']>): string {
  if ('unavailable' in s) return `newest snapshot unavailable (${shortenVisibly(escapeMrkdwn(s.unavailable), REASON_CHARS)})`;
  const why = '(no backup check; cross-region copy not configured)';
  if (!s.newest) return `no available snapshot ${why}`;
  return `newest snapshot ${name(s.newest.id)} ${formatAgeDecimal(s.newest.ageMs)} old ${why}`;
}

/** `:x: *misses RTO* — *failover orders* · ready · RTO 15m: …` */
export function runbookLine(r: RunbookPosture, nowMs: number): string {
  const icon = r.attention.length > 0 ? ':x:' : r.readiness?.ready ? ':white_check_mark:' : ':grey_question:';
  const lead = r.attention.length > 0 ? `*${r.attention.join(', ')}* — ` : '';
  const parts: string[] = [];
  if (!r.readiness) parts.push('readiness not evaluated yet');
  else if (r.readiness.ready) parts.push(`ready (evaluated ${formatAge(nowMs - r.readiness.at)} ago)`);
  else
    parts.push(
      `not ready: ${shortenVisibly(escapeMrkdwn(r.readiness.summary), REASON_CHARS)} (evaluated ${formatAge(nowMs - r.readiness.at)} ago)`,
    );
  parts.push(rtoPart(r));
  parts.push(rpoPart(r));
  if (r.lastDrillFailed) {
    const why = r.lastDrillFailed.reason ? `: ${shortenVisibly(escapeMrkdwn(r.lastDrillFailed.reason), REASON_CHARS)}` : '';
    parts.push(`last drill ${escapeMrkdwn(r.lastDrillFailed.runId)} ${r.lastDrillFailed.result}${why}`);
  }
  return `${icon} ${lead}*${r.kind} ${escapeMrkdwn(r.runbook)}* · ${parts.join(' · ')}`;
}

function rtoPart(r: RunbookPosture): string {
  const m = r.measured;
  const what = !m
    ? null
    : m.from === 'drill'
      ? `drill ${escapeMrkdwn(m.id)} restored in ${formatDurationHms(m.ms)}`
      : `run ${escapeMrkdwn(m.run.approvalId)} ${m.run.measure} ${formatDurationHms(m.ms)}`;
  if (!r.rto) return what ? `last ${what} (no RTO objective)` : 'no drill or run measured yet';
  return `RTO ${formatDurationHms(r.rto.objectiveMs)}: ${what ? `last ${what}${verdict(r.rto)}` : 'not measured yet (no drill or run)'}`;
}

function rpoPart(r: RunbookPosture): string {
  const now =
    r.currentRpo.ms === null
      ? `unknown (${escapeMrkdwn(r.currentRpo.why)})`
      : `${formatDurationHms(r.currentRpo.ms)} now (${escapeMrkdwn(r.currentRpo.from)})`;
  if (!r.rpo) return `RPO ${now}`;
  return `RPO ${formatDurationHms(r.rpo.objectiveMs)}: ${now}${r.currentRpo.ms === null ? '' : verdict(r.rpo)}`;
}

function verdict(j: Judgement): string {
  return j.missed ? ' — *missed*' : ' — met';
}

/** `:x: *missed-rto* — *orders-restore* (restore orders): DRL-3 restored in 35m, RTO 30m` */
export function drillLine(d: DrillPosture): string {
  const { listing } = d;
  const last = listing.last;
  const what = listing.multiAzFailover !== undefined ? `Multi-AZ failover of ${listing.multiAzFailover}` : `restore ${listing.runbook}`;
  const title = `*${escapeMrkdwn(listing.name)}* (${escapeMrkdwn(what)})`;
  if (!last) return `:grey_question: ${title}: never run${listing.rtoMs !== undefined ? `, RTO ${formatDurationHms(listing.rtoMs)}` : ''}`;
  const icon = last.result === 'passed' ? ':white_check_mark:' : ':x:';
  const lead = last.result === 'passed' ? '' : `*${last.result}* — `;
  const restored =
    last.restoreMs !== undefined
      ? `restored in ${formatDurationHms(last.restoreMs)}`
      : last.failoverMs !== undefined
        ? `failed over and recovered in ${formatDurationHms(last.failoverMs)}`
        : listing.multiAzFailover !== undefined
          ? 'did not recover'
          : 'did not restore';
  const rto = d.rto ? `, RTO ${formatDurationHms(d.rto.objectiveMs)}${d.rto.measuredMs === null ? '' : verdict(d.rto)}` : '';
  const why = last.result !== 'passed' && last.reason ? `: ${shortenVisibly(escapeMrkdwn(last.reason), REASON_CHARS)}` : '';
  return `${icon} ${lead}${title}: ${escapeMrkdwn(last.runId)} ${restored}${rto}${why}`;
}

function yesNo(value: boolean | undefined): string {
  return value === undefined ? 'unknown' : value ? 'yes' : 'no';
}
