import type { types } from '@slack/bolt';
import type { ReadinessReport } from '../../readiness/readiness-evaluator.js';
import type { RunbookReadiness } from '../../readiness/runbook-readiness.js';
import { escapeMrkdwn } from '../slack-text.js';
import { NO_RUNBOOKS_CONFIGURED } from '../user-messages.js';
import { listSections, shortenVisibly } from './fit-list.js';

/** Sections the list may fill before the rest are counted ("…and N more"). */
const READINESS_SECTIONS = 20;
/** Longest reason one runbook's line shows, so one verbose refusal cannot crowd out the others. */
const REASON_CHARS = 600; // characters

// What needs attention first: refused, then could not tell, then ready.
const ORDER: Record<RunbookReadiness['status'], number> = { 'not-ready': 0, unknown: 1, ready: 2 };

function line(r: RunbookReadiness): string {
  const name = `*${escapeMrkdwn(r.kind)} ${escapeMrkdwn(r.runbook)}*`;
  switch (r.status) {
    case 'ready':
      return `:white_check_mark: ${name} — ready`;
    case 'not-ready':
      return `:red_circle: ${name} — not ready: ${shortenVisibly(escapeMrkdwn(r.reason), REASON_CHARS)}`;
    case 'unknown':
      return `:grey_question: ${name} — unknown (not judged): ${shortenVisibly(escapeMrkdwn(r.reason), REASON_CHARS)}`;
  }
}

/** `/dr readiness`: each runbook ready, not ready with the failing check, or unknown with why; "…and N more" when cut. */
export function readinessList(report: ReadinessReport): { text: string; blocks: types.KnownBlock[] } {
  const runbooks = [...report.runbooks].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const count = (status: RunbookReadiness['status']) => runbooks.filter((r) => r.status === status).length;
  const summary = `${count('ready')} ready, ${count('not-ready')} not ready, ${count('unknown')} unknown`;
  const text = runbooks.length === 0 ? NO_RUNBOOKS_CONFIGURED : `Readiness of ${runbooks.length} runbooks: ${summary}`;
  const title = `*Readiness (${runbooks.length} runbook${runbooks.length === 1 ? '' : 's'}: ${summary})* · evaluated now, read-only, in ${(report.durationMs / 1000).toFixed(1)}s`;
  return {
    text,
    blocks: listSections(title, runbooks.map(line), {
      maxSections: READINESS_SECTIONS,
      empty: NO_RUNBOOKS_CONFIGURED,
    }),
  };
}
