import type { ComponentStatus } from '../core/action-request.js';
import { escapeHtml } from './escape-html.js';
import { formatUtcMinute } from '../core/format-time.js';
import { COMPONENT_STATUS_TEXT, INCIDENT_STATUS_TEXT } from './status-labels.js';
import { MONITOR_STYLE, monitorAnchorFor, renderMonitorSection, renderMonitorSummaryNote } from './render-monitor-incidents-html.js';
import { PAGE_COLOURS, STATUS_COLOURS, STATUS_SYMBOLS } from './status-palette.js';
import type { StatusView, StatusViewComponent, StatusViewIncident, StatusViewUpdate } from './status-view.js';

/** Where the page links to; relative so they work behind any host or proxy prefix-free. */
export const STATUS_PATHS = { page: '/status', json: '/status.json', feed: '/status/feed.xml' } as const;

/**
 * The built-in status page as one self-contained HTML document: no script at all (readable and
 * complete without JavaScript), landmarks and a heading outline for screen readers, every status
 * written out in words, and every piece of operator text escaped. With monitor incidents in the
 * view, they get a section of their own after the active (published) incidents.
 */
export function renderStatusHtml(view: StatusView): string {
  const active = view.incidents.filter((incident) => incident.status !== 'resolved');
  const past = view.incidents.filter((incident) => incident.status === 'resolved');
  const title = escapeHtml(view.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}: ${escapeHtml(view.status.description)}</title>
<link rel="alternate" type="application/atom+xml" title="${title}: incident updates" href="${STATUS_PATHS.feed}">
<style>${STYLE}${view.monitorIncidents ? MONITOR_STYLE : ''}</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header class="site"><div class="wrap"><h1>${title}</h1></div></header>
<main id="main" class="wrap">
<section class="summary s-${view.status.indicator}" aria-labelledby="summary-heading">
<h2 id="summary-heading">Current status</h2>
<p class="overall">${symbol(view.status.indicator)} ${escapeHtml(view.status.description)}</p>
<p class="muted">As of <time datetime="${view.generatedAt}">${formatUtcMinute(Date.parse(view.generatedAt))}</time></p>${view.monitorIncidents ? renderMonitorSummaryNote(view.monitorIncidents) : ''}
</section>
<section aria-labelledby="components-heading">
<h2 id="components-heading">Components</h2>
${renderComponents(view)}
</section>
<section aria-labelledby="active-heading">
<h2 id="active-heading">Active incidents</h2>
${active.length > 0 ? active.map(renderIncident).join('\n') : '<p>No active incidents.</p>'}
</section>
${view.monitorIncidents ? `${renderMonitorSection(view.monitorIncidents, view.generatedAt)}\n` : ''}<section aria-labelledby="past-heading">
<h2 id="past-heading">Past incidents</h2>
${past.length > 0 ? past.map(renderIncident).join('\n') : '<p>No past incidents.</p>'}
</section>
</main>
<footer class="wrap">
<p><a href="${STATUS_PATHS.feed}">Subscribe to incident updates (Atom feed)</a> · <a href="${STATUS_PATHS.json}">This page as JSON</a></p>
</footer>
</body>
</html>
`;
}

function renderComponents(view: StatusView): string {
  if (view.components.length === 0) return '<p>No components are listed.</p>';
  const rows = view.components
    .map((c) => `<tr><th scope="row">${escapeHtml(c.name)}</th><td>${badge(c.status)}${sourceNote(c)}</td></tr>`)
    .join('\n');
  return `<table class="components">
<thead><tr><th scope="col">Component</th><th scope="col">Status</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function renderIncident(incident: StatusViewIncident): string {
  const anchor = anchorFor(incident.id);
  const resolved =
    incident.resolvedAt === null
      ? ''
      : ` · resolved <time datetime="${incident.resolvedAt}">${formatUtcMinute(Date.parse(incident.resolvedAt))}</time>`;
  return `<article class="incident" id="${anchor}" aria-labelledby="${anchor}-title">
<h3 id="${anchor}-title">${escapeHtml(incident.title)}</h3>
<p class="meta"><strong>${INCIDENT_STATUS_TEXT[incident.status]}</strong> · ${escapeHtml(incident.id)} · started <time datetime="${incident.createdAt}">${formatUtcMinute(Date.parse(incident.createdAt))}</time>${resolved}</p>
<h4 class="visually-hidden">Updates, newest first</h4>
<ol class="updates">
${incident.updates.map(renderUpdate).join('\n')}
</ol>
</article>`;
}

function renderUpdate(update: StatusViewUpdate): string {
  const affected = Object.entries(update.components)
    .map(([name, status]) => `${escapeHtml(name)} (${COMPONENT_STATUS_TEXT[status]})`)
    .join(', ');
  return `<li class="update">
<p class="update-head"><strong>${INCIDENT_STATUS_TEXT[update.status]}</strong> · <time datetime="${update.at}">${formatUtcMinute(Date.parse(update.at))}</time></p>
<p class="message">${escapeHtml(update.message)}</p>${affected ? `\n<p class="affected">Affected: ${affected}</p>` : ''}
</li>`;
}

/** For a status the monitor set: where it comes from, linking to the incidents behind it. */
function sourceNote(component: StatusViewComponent): string {
  if (component.source !== 'monitoring') return '';
  const links = (component.monitorIncidentIds ?? []).map((id) => `<a href="#${monitorAnchorFor(id)}">${escapeHtml(id)}</a>`).join(', ');
  return ` <span class="source">detected by monitoring${links ? `: ${links}` : ''}</span>`;
}

function badge(status: ComponentStatus): string {
  return `<span class="badge s-${status}">${symbol(status)} ${COMPONENT_STATUS_TEXT[status]}</span>`;
}

function symbol(status: ComponentStatus): string {
  return `<span class="symbol" aria-hidden="true">${STATUS_SYMBOLS[status]}</span>`;
}

/** A fragment id from an incident id: letters, digits, `-` and `_` only. */
export function anchorFor(incidentId: string): string {
  return `incident-${incidentId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

const statusRules = Object.entries(STATUS_COLOURS)
  .map(([status, { fg, bg }]) => `.s-${status}{color:${fg};background:${bg};border-color:${fg}}`)
  .join('');

const { text, muted, panel, link } = PAGE_COLOURS;
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:${text.fg};background:${text.bg}}
.wrap{max-width:48rem;margin:0 auto;padding:0 1rem}
.site{background:${panel.bg};border-bottom:1px solid #d0d7de}
h1{font-size:1.75rem;margin:0;padding:1.25rem 0}
h2{font-size:1.3rem;margin:2rem 0 .75rem}
h3{font-size:1.1rem;margin:0 0 .25rem}
a{color:${link.fg}}
a:focus-visible{outline:3px solid ${link.fg};outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:${text.bg};padding:.5rem 1rem}
.skip:focus{left:1rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.summary{border:2px solid;border-radius:.5rem;padding:0 1rem;margin-top:1.5rem}
.summary h2{margin:.75rem 0 0;font-size:1rem}
.overall{font-size:1.4rem;font-weight:700;margin:.25rem 0}
.summary .muted{color:inherit;margin:0 0 .75rem}
.muted,.meta{color:${muted.fg}}
table.components{width:100%;border-collapse:collapse}
.components th,.components td{text-align:left;padding:.6rem .5rem;border-bottom:1px solid #d0d7de}
.components thead th{font-size:.9rem;color:${muted.fg}}
.components tbody th{font-weight:600}
.badge{display:inline-block;border:1px solid;border-radius:1rem;padding:.05rem .6rem;font-weight:600;white-space:nowrap}
.symbol{display:inline-block;min-width:1em;text-align:center}
.incident{border:1px solid #d0d7de;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
.meta{margin:0 0 .5rem}
.updates{list-style:none;margin:0;padding:0}
.update{border-left:3px solid #d0d7de;padding:.25rem 0 .25rem .75rem;margin:.75rem 0}
.update p{margin:.2rem 0}
.message{white-space:pre-wrap;overflow-wrap:anywhere}
.affected{color:${muted.fg}}
footer{margin:2.5rem auto 2rem}
footer p{border-top:1px solid #d0d7de;padding-top:1rem}
${statusRules}
`;
