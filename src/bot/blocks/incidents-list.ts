import type { Incident } from '../../core/incident.js';
import { escapeMrkdwn } from '../slack-text.js';
import { formatAge, slackDate } from './format-time.js';
import { fitSection, severityEmoji, userMention } from './mentions.js';

/** `/dr incidents`: open ones with their state, then the most recent resolved ones. */
export function incidentsList(open: Incident[], recentlyResolved: Incident[]): { text: string; blocks: unknown[] } {
  const openLines = open.map(
    (i) =>
      `${severityEmoji(i.severity)} *${i.id}* ${i.severity} \`${escapeMrkdwn(i.checkId)}\` — ${escapeMrkdwn(i.summary)} · since ${slackDate(i.openedAt)}` +
      (i.acknowledgedBy ? ` · acknowledged by ${userMention(i.acknowledgedBy)}` : ' · not acknowledged'),
  );
  const resolvedLines = recentlyResolved.map(
    (i) => `:white_check_mark: *${i.id}* ${i.peakSeverity} \`${escapeMrkdwn(i.checkId)}\` — resolved ${slackDate(i.resolvedAt ?? i.updatedAt)} after ${formatAge((i.resolvedAt ?? i.updatedAt) - i.openedAt)}`,
  );
  const blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: fitSection(`*Open incidents (${open.length})*\n${openLines.join('\n') || 'none'}`) } },
  ];
  if (resolvedLines.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fitSection(`*Recently resolved*\n${resolvedLines.join('\n')}`) } });
  }
  return { text: `${open.length} open incident${open.length === 1 ? '' : 's'}`, blocks };
}
