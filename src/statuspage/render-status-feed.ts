import { escapeHtml } from './escape-html.js';
import { anchorFor, STATUS_PATHS } from './render-status-html.js';
import { COMPONENT_STATUS_TEXT, INCIDENT_STATUS_TEXT } from './status-labels.js';
import type { StatusView } from './status-view.js';

// XML 1.0 forbids these characters even when escaped; a pasted terminal colour code must not
// make the whole feed unreadable.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML forbids
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escaped XML text with the characters XML cannot carry removed. */
function xmlText(text: string): string {
  return escapeHtml(text.replace(XML_FORBIDDEN, ''));
}

/** Feed readers poll; fifty updates covers weeks of incidents without a heavy response. */
export const FEED_MAX_ENTRIES = 50;

/**
 * The page's incident updates as an Atom feed (RFC 4287): one entry per published update, newest
 * first, so a subscriber hears about each update, not only about new incidents. `baseUrl` makes
 * the ids and links absolute (`https://status.example.com`, no trailing slash).
 */
export function renderStatusFeed(view: StatusView, baseUrl: string): string {
  const pageUrl = `${baseUrl}${STATUS_PATHS.page}`;
  const entries = view.incidents
    .flatMap((incident) =>
      incident.updates.map((update, index) => ({
        incident,
        update,
        // Updates are newest first; number them oldest first so an entry's id never changes.
        number: incident.updates.length - index,
      })),
    )
    .sort((a, b) => Date.parse(b.update.at) - Date.parse(a.update.at))
    .slice(0, FEED_MAX_ENTRIES);
  const updated = entries[0]?.update.at ?? view.generatedAt;

  const xmlEntries = entries.map(({ incident, update, number }) => {
    const link = `${pageUrl}#${anchorFor(incident.id)}`;
    const affected = Object.entries(update.components)
      .map(([name, status]) => `${name}: ${COMPONENT_STATUS_TEXT[status]}`)
      .join(', ');
    const content = affected ? `${update.message}\n\nAffected: ${affected}` : update.message;
    return `<entry>
<id>${xmlText(`${link}-update-${number}`)}</id>
<title>${xmlText(`${INCIDENT_STATUS_TEXT[update.status]}: ${incident.title}`)}</title>
<updated>${update.at}</updated>
<published>${update.at}</published>
<link rel="alternate" type="text/html" href="${escapeHtml(link)}"/>
<content type="text">${xmlText(content)}</content>
</entry>`;
  });

  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${escapeHtml(pageUrl)}</id>
<title>${xmlText(`${view.title}: incident updates`)}</title>
<updated>${updated}</updated>
<author><name>${xmlText(view.title)}</name></author>
<link rel="self" type="application/atom+xml" href="${escapeHtml(`${baseUrl}${STATUS_PATHS.feed}`)}"/>
<link rel="alternate" type="text/html" href="${escapeHtml(pageUrl)}"/>
${xmlEntries.join('\n')}
</feed>
`;
}
