import type { Incident, IncidentEvent } from '../../core/incident.js';
import { escapeMrkdwn } from '../slack-text.js';
import { shortenVisibly } from './fit-list.js';
import { formatAge } from '../../core/format-time.js';

/** A measured summary in a thread reply: enough to read, bounded visibly (a backup summary can list every failed snapshot). */
const REPLY_SUMMARY_CHARS = 3000;
import { byActor } from './mentions.js';

/** The thread reply for one timeline event (mrkdwn text). */
export function timelineReply(event: IncidentEvent, incident: Incident): string {
  const measured = shortenVisibly(escapeMrkdwn(event.summary), REPLY_SUMMARY_CHARS);
  const by = event.actor ? ` ${byActor(event.actor)}` : '';
  const note = event.note ? `\n> ${escapeMrkdwn(event.note).replace(/\n/g, '\n> ')}` : '';
  switch (event.type) {
    case 'opened':
      return `:rotating_light: Opened at *${event.severity}*: ${measured}`;
    case 'escalated':
      return `:arrow_up: Escalated *${event.previousSeverity ?? '?'}* → *${event.severity}*: ${measured}`;
    case 'deescalated':
      return `:arrow_down: De-escalated *${event.previousSeverity ?? '?'}* → *${event.severity}*: ${measured}`;
    case 'acknowledged':
      return `:eyes: Acknowledged${by}${note}`;
    case 'resolved': {
      const after = formatAge(event.at - incident.openedAt);
      return event.actor
        ? `:white_check_mark: Resolved${by} after ${after}${note}`
        : `:white_check_mark: Recovered after ${after}: ${measured}${note}`;
    }
  }
}
