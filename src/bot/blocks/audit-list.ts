import type { types } from '@slack/bolt';
import { isDrillAuditEntry, isIncidentAuditEntry, isSilenceAuditEntry, type AuditLogEntry } from '../../audit/audit-log.js';
import { escapeMrkdwn } from '../slack-text.js';
import { listSections, shortenVisibly } from './fit-list.js';
import { actorMention } from './mentions.js';

/** Sections the list may fill (of Slack's 50 blocks a message); "…and N more" past them. */
const AUDIT_SECTIONS = 40;
/** Longest detail one entry shows, so one long outcome cannot crowd out the others. */
const DETAIL_CHARS = 300; // characters

function line(entry: AuditLogEntry): string {
  const at = new Date(entry.at).toISOString().replace('T', ' ').slice(0, 19);
  const subject = isIncidentAuditEntry(entry)
    ? entry.incidentId
    : isSilenceAuditEntry(entry)
      ? entry.checkId
      : isDrillAuditEntry(entry)
        ? `${entry.drillRunId} (${entry.drill})`
        : entry.approvalId;
  const by = entry.actor ? ` by ${actorMention(entry.actor)}` : '';
  const detail = entry.detail ? ` — ${shortenVisibly(escapeMrkdwn(entry.detail), DETAIL_CHARS)}` : '';
  return `\`${at}\` *${escapeMrkdwn(entry.type)}* ${escapeMrkdwn(subject)}${by}${detail}`;
}

/** `/dr audit`: the newest entries first, as many as fit Block Kit's limits, the rest counted. */
export function auditList(entries: readonly AuditLogEntry[]): { text: string; blocks: types.KnownBlock[] } {
  const title = `*Audit log: the newest ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, newest first (times UTC)*`;
  return {
    text: entries.length === 0 ? 'The audit log is empty.' : `The newest ${entries.length} audit entries`,
    blocks: listSections(title, entries.map(line), { maxSections: AUDIT_SECTIONS, empty: 'The audit log is empty.' }),
  };
}
