import type { types } from '@slack/bolt';
import { formatDurationHms, formatUtcSecond } from '../../core/format-time.js';
import type { DrillListing } from '../../drills/drill-service.js';
import { escapeMrkdwn } from '../slack-text.js';
import { NO_DRILLS_CONFIGURED } from '../user-messages.js';
import { listSections, shortenVisibly } from './fit-list.js';

/** Sections the list may fill (of Slack's 50 blocks a message); "…and N more" past them. */
const DRILL_SECTIONS = 40;
/** Longest last-result text one drill shows. */
const RESULT_CHARS = 400; // characters

function line(d: DrillListing): string {
  if (d.multiAzFailover !== undefined) return multiAzLine(d, d.multiAzFailover);
  const next = d.nextRunAt !== undefined ? ` (next ${formatUtcSecond(d.nextRunAt)})` : '';
  const schedule = d.schedule ? `schedule \`${d.schedule}\`${next}` : 'on demand only';
  const rto = d.rtoMs !== undefined ? `, rto ${formatDurationHms(d.rtoMs)}` : '';
  const last = d.last
    ? `last: *${d.last.result}* ${d.last.runId} at ${formatUtcSecond(d.last.finishedAt)}${
        d.last.restoreMs !== undefined ? `, restored in ${formatDurationHms(d.last.restoreMs)}` : ''
      }${d.last.reason ? ` — ${shortenVisibly(escapeMrkdwn(d.last.reason), RESULT_CHARS)}` : ''}`
    : 'never run';
  return `*${escapeMrkdwn(d.name)}* (restore ${escapeMrkdwn(d.runbook)}): ${schedule}${rto}; ${last}`;
}

/** A Multi-AZ failover drill: what it fails over, how it runs, its last outcome with the measured failover time. */
function multiAzLine(d: DrillListing, what: string): string {
  const rto = d.rtoMs !== undefined ? `, rto ${formatDurationHms(d.rtoMs)}` : '';
  const last = d.last
    ? `last: *${d.last.result}* ${d.last.runId} at ${formatUtcSecond(d.last.finishedAt)}${
        d.last.failoverMs !== undefined ? `, failed over and recovered in ${formatDurationHms(d.last.failoverMs)}` : ''
      }${d.last.reason ? ` — ${shortenVisibly(escapeMrkdwn(d.last.reason), RESULT_CHARS)}` : ''}`
    : 'never run';
  return `*${escapeMrkdwn(d.name)}* (Multi-AZ failover of ${escapeMrkdwn(shortenVisibly(what, RESULT_CHARS))}): on demand, two-person approved${rto}; ${last}`;
}

/** `/dr drills`: every configured drill, its schedule and its last result, within Block Kit's limits. */
export function drillsList(drills: readonly DrillListing[]): { text: string; blocks: types.KnownBlock[] } {
  return {
    text: drills.length === 0 ? NO_DRILLS_CONFIGURED : `${drills.length} drill${drills.length === 1 ? '' : 's'}`,
    blocks: listSections('*Drills*', drills.map(line), { maxSections: DRILL_SECTIONS, empty: NO_DRILLS_CONFIGURED }),
  };
}
