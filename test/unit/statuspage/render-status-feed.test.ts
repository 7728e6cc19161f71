import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/statuspage/escape-html.js';
import { renderStatusFeed } from '../../../src/statuspage/render-status-feed.js';
import { anchorFor } from '../../../src/statuspage/render-status-html.js';
import type { StatusView } from '../../../src/statuspage/status-view.js';

const view = (message: string, title = 'API errors'): StatusView => ({
  title: 'Service status',
  generatedAt: '2026-11-21T12:10:00.000Z',
  status: { indicator: 'operational', description: 'Incident in progress' },
  components: [],
  incidents: [
    {
      id: 'INC-1',
      title,
      status: 'investigating',
      impact: null,
      createdAt: '2026-11-21T12:00:00.000Z',
      updatedAt: '2026-11-21T12:00:00.000Z',
      resolvedAt: null,
      updates: [{ status: 'investigating', message, at: '2026-11-21T12:00:00.000Z', components: {} }],
    },
  ],
});

describe('status feed and escaping', () => {
  it('escapes the five HTML/XML special characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a> ✓`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; ✓');
  });

  it('drops characters XML cannot carry (a pasted terminal colour code), keeping the rest of the text', () => {
    const xml = renderStatusFeed(view('\u001b[31mred\u001b[0m alert\u0007 & tab\there'), 'https://status.example.com');
    expect(xml).toContain('<content type="text">[31mred[0m alert &amp; tab\there</content>');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('an empty page still has an updated time: when the view was built', () => {
    const empty = { ...view('x'), incidents: [] };
    const xml = renderStatusFeed(empty, 'https://status.example.com');
    expect(xml).toContain('<updated>2026-11-21T12:10:00.000Z</updated>');
    expect(xml).not.toContain('<entry>');
  });

  it('fragment ids keep only letters, digits, - and _', () => {
    expect(anchorFor('INC-42')).toBe('incident-INC-42');
    expect(anchorFor('a b"<c>')).toBe('incident-a-b--c-');
  });
});
