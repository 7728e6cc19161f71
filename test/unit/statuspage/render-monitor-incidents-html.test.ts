import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/core/incident.js';
import type { Severity } from '../../../src/core/severity.js';
import { renderStatusHtml } from '../../../src/statuspage/render-status-html.js';
import { formatDurationWords } from '../../../src/core/format-time.js';
import { buildStatusView, type StatusView } from '../../../src/statuspage/status-view.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const MIN = 60_000;

function incident(id: string, checkId: string, severity: Severity, openedAt: number, extra: Partial<Incident> = {}): Incident {
  return {
    id,
    checkId,
    severity,
    peakSeverity: severity,
    state: 'open',
    revision: 1,
    openedAt,
    updatedAt: openedAt,
    summary: 'HTTP 503 in 4ms',
    measurement: { kind: 'http', status: 503, url: 'https://api.example.com/health' },
    ...extra,
  };
}

function view(open: Incident[], recent: Incident[] = [], componentOf = new Map([['api', 'api <edge>']])): StatusView {
  return buildStatusView({
    title: 'Service status',
    componentNames: ['api <edge>', 'web'],
    components: {},
    incidents: [],
    now: NOW,
    monitor: { open, recent, componentOf },
  });
}

/** The monitor section's HTML alone. */
function section(html: string): string {
  const match = /<section class="monitor"[\s\S]*?<\/section>/.exec(html);
  if (!match) throw new Error('no monitor section');
  return match[0];
}

describe('the monitor section of the built-in page', () => {
  it('is absent, with its summary note and component notes, when the option is off', () => {
    const html = renderStatusHtml(buildStatusView({ title: 'S', componentNames: ['api'], components: {}, incidents: [], now: NOW }));
    expect(html).not.toContain('<section class="monitor"');
    expect(html).not.toContain('Detected by monitoring');
    expect(html).not.toContain('detected by monitoring');
    expect(html).not.toContain('monitor-');
  });

  it('says in its heading and first sentence that these are automatic and unreviewed, and points to the reviewed ones', () => {
    const html = section(renderStatusHtml(view([])));
    expect(html).toContain('<h2 id="monitor-heading">Detected by monitoring \u2014 not reviewed by a person</h2>');
    expect(html).toContain(
      '<p class="notice">Our health checks raise these automatically, and this page shows them as measured, before anyone has reviewed them. Updates written by the team appear under Active incidents.</p>',
    );
    expect(html).toContain('<h3>Open now</h3>\n<p>Monitoring detects no problem right now.</p>');
    expect(html).toContain('<h3>Resolved in the last 24 hours</h3>\n<p>None.</p>');
  });

  it('shows an open incident with its check, id, severity in words, what was measured, since when, state and component', () => {
    const html = section(renderStatusHtml(view([incident('INC-7', 'api', 'SEV1', NOW - 75 * MIN, { state: 'acknowledged' })])));
    expect(html).toContain(`<article class="detected" id="monitor-INC-7" aria-labelledby="monitor-INC-7-title">
<h4 id="monitor-INC-7-title">api <span class="incident-id">(INC-7)</span></h4>
<dl class="facts">
<dt>Severity</dt><dd><span class="badge s-major_outage"><span class="symbol" aria-hidden="true">\u2715</span> SEV1 \u00b7 critical</span></dd>
<dt>Measured</dt><dd><span class="measured">HTTP 503 in 4ms</span></dd>
<dt>Since</dt><dd><time datetime="2026-11-21T10:45:00.000Z">2026-11-21 10:45 UTC</time> (1 h 15 min)</dd>
<dt>State</dt><dd>Acknowledged by the on-call team</dd>
<dt>Component</dt><dd>api &lt;edge&gt;</dd>
</dl>
</article>`);
  });

  it('shows a resolved incident with its worst severity, last measured value and how long it lasted', () => {
    const done = incident('INC-4', 'backups', 'SEV3', NOW - 3 * 60 * MIN, {
      state: 'resolved',
      peakSeverity: 'SEV2',
      resolvedAt: NOW - 2 * 60 * MIN - 30 * MIN,
      summary: 'newest snapshot 3h old',
    });
    const html = section(renderStatusHtml(view([], [done])));
    expect(html).toContain(`<h4 id="monitor-INC-4-title">backups <span class="incident-id">(INC-4)</span></h4>
<dl class="facts">
<dt>Worst severity</dt><dd><span class="badge s-partial_outage"><span class="symbol" aria-hidden="true">\u25B2</span> SEV2 \u00b7 major</span></dd>
<dt>Last measured</dt><dd><span class="measured">newest snapshot 3h old</span></dd>
<dt>Open</dt><dd><time datetime="2026-11-21T09:00:00.000Z">2026-11-21 09:00 UTC</time> to <time datetime="2026-11-21T09:30:00.000Z">2026-11-21 09:30 UTC</time> (30 min)</dd>
</dl>
</article>`);
    expect(html).toContain('<h3>Open now</h3>\n<p>Monitoring detects no problem right now.</p>');
  });

  it('escapes what a probe measured, so a hostile health endpoint cannot inject markup', () => {
    const hostile = incident('INC-1', 'api', 'SEV2', NOW - MIN, {
      summary: 'body mismatch: "<script>alert(1)</script>" & <img src=x onerror=alert(2)>',
    });
    const html = renderStatusHtml(view([hostile]));
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('body mismatch: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; &lt;img src=x onerror=alert(2)&gt;');
  });

  it('marks a component the monitor set, links it to the incidents behind it, and notes the open count in the summary', () => {
    const html = renderStatusHtml(
      view(
        [incident('INC-2', 'api', 'SEV3', NOW - 2 * MIN), incident('INC-3', 'api', 'SEV2', NOW - MIN)],
        [],
        new Map([['api', 'api <edge>']]),
      ),
    );
    expect(html).toContain(
      '<tr><th scope="row">api &lt;edge&gt;</th><td><span class="badge s-partial_outage"><span class="symbol" aria-hidden="true">\u25B2</span> Partial outage</span> <span class="source">detected by monitoring: <a href="#monitor-INC-3">INC-3</a>, <a href="#monitor-INC-2">INC-2</a></span></td></tr>',
    );
    expect(html).toContain(
      '<tr><th scope="row">web</th><td><span class="badge s-operational"><span class="symbol" aria-hidden="true">\u2713</span> Operational</span></td></tr>',
    );
    expect(html).toContain(
      '<p class="detected-note"><a href="#monitor-heading">2 open incidents detected by monitoring</a>, not reviewed by a person.</p>',
    );
    // Every in-page link lands on an element of the page.
    const targets = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(targets.length).toBeGreaterThan(2);
    for (const target of targets) expect(html, target).toContain(`id="${target}"`);
  });

  it('keeps the heading outline: the section is an h2 after Active incidents and before Past incidents, with h3 and h4 under it', () => {
    const html = renderStatusHtml(view([incident('INC-2', 'api', 'SEV3', NOW - MIN)]));
    const headings = [...html.matchAll(/<h([1-4])[^>]*>(.*?)<\/h\1>/g)].map((m) => `h${m[1]} ${m[2]?.replace(/<[^>]+>/g, '')}`);
    expect(headings).toEqual([
      'h1 Service status',
      'h2 Current status',
      'h2 Components',
      'h2 Active incidents',
      'h2 Detected by monitoring \u2014 not reviewed by a person',
      'h3 Open now',
      'h4 api (INC-2)',
      'h3 Resolved in the last 24 hours',
      'h2 Past incidents',
    ]);
  });
});

describe('formatDurationWords', () => {
  it.each([
    [0, '0 s'],
    [-5_000, '0 s'],
    [59_999, '59 s'],
    [60_000, '1 min'],
    [59 * MIN + 59_000, '59 min'],
    [60 * MIN, '1 h'],
    [75 * MIN, '1 h 15 min'],
    [24 * 60 * MIN, '1 d'],
    [(2 * 24 + 4) * 60 * MIN + 30 * MIN, '2 d 4 h'],
  ])('%i ms reads "%s"', (ms, words) => {
    expect(formatDurationWords(ms)).toBe(words);
  });
});
