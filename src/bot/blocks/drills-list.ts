import type { types } from '@slack/bolt';
import { formatDurationHms, formatUtcSecond } from '../../core/format-time.js';
import type { DrillListing } from '../../drills/drill-service.js';
import { escapeMrkdwn } from '../slack-text.js';
import { listSections, shortenVisibly } from './fit-list.js';

/** Sections the list may fill (of Slack's 50 blocks a message); "…and N more" past them. */
const DRILL_SECTIONS = 40;
/** Longest last-result text one drill shows. */
const RESULT_CHARS = 400; // characters

function line(d: DrillListing): string {
  const schedule = d.schedule ? `schedule \`${d.schedule}\`` : 'on demand only';
  const rto = d.rtoMs !== undefined ? `, rto ${formatDurationHms(d.rtoMs)}` : '';
  const last = d.last
    ? `last: *${d.last.result}* ${d.last.runId} at ${formatUtcSecond(d.last.finishedAt)}${
        d.last.restoreMs !== undefined ? `, restored in ${formatDurationHms(d.last.restoreMs)}` : ''
      }${d.last.reason ? ` — ${shortenVisibly(escapeMrkdwn(d.last.reason), RESULT_CHARS)}` : ''}`
    : 'never run';
  return `*${escapeMrkdwn(d.name)}* (restore ${escapeMrkdwn(d.runbook)}): ${schedule}${rto}; ${last}`;
}

/** `/dr drills`: every configured drill, its schedule and its last result, within Block Kit's limits. */
export function drillsList(drills: readonly DrillListing[]): { text: string; blocks: types.KnownBlock[] } {
  const empty = 'No drills are configured (`drills:` in the config).';
  return {
    text: drills.length === 0 ? empty : `${drills.length} restore drill${drills.length === 1 ? '' : 's'}`,
    blocks: listSections('*Restore drills*', drills.map(line), { maxSections: DRILL_SECTIONS, empty }),
  };
}
