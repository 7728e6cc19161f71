import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { createStatusPage, type StatusPageModule } from '../../../src/statuspage/create-status-page.js';
import { STATUS_COLOURS } from '../../../src/statuspage/status-palette.js';
import { useChromium, type OpenedPage } from '../../doubles/chromium.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { builtinConfig, builtinServer } from '../../integration/statuspage/builtin-fixtures.js';
import { testBackend } from '../../doubles/test-backend.js';

const SCREENSHOT = '/tmp/lifeboat-status-page.png';
const XSS_MESSAGE = 'Requests fail with <script>window.__owned = true; alert("owned")</script> & errors.';

const chromium = useChromium(async () => {
  const clock = new ManualClock();
  const module: StatusPageModule = createStatusPage({
    config: builtinConfig(),
    logger: silentLogger(),
    store: testBackend(null, 'x:', clock).statusPage,
    clock,
  });
  await publishHistory(module, clock);
  return (await builtinServer(module, clock)).server;
});

/** A resolved incident from yesterday and an active one now, as approved updates would publish them. */
async function publishHistory(module: StatusPageModule, clock: ManualClock): Promise<void> {
  const publish = module.statusPage.publish.bind(module.statusPage);
  clock.set(Date.parse('2026-11-20T09:00:00Z'));
  await publish({
    incidentId: 'INC-3',
    title: 'Website slow',
    status: 'investigating',
    message: 'Pages load slowly for some visitors.',
    components: { web: 'degraded_performance' },
    impact: 'minor',
  });
  clock.set(Date.parse('2026-11-20T09:40:00Z'));
  await publish({
    incidentId: 'INC-3',
    title: 'Website slow',
    status: 'resolved',
    message: 'A cache node was replaced; pages load normally.',
    components: { web: 'operational' },
  });
  clock.set(Date.parse('2026-11-21T11:50:00Z'));
  await publish({
    incidentId: 'INC-4',
    title: 'API errors',
    status: 'investigating',
    message: XSS_MESSAGE,
    components: { api: 'partial_outage' },
    impact: 'major',
  });
  clock.set(Date.parse('2026-11-21T12:05:00Z'));
  await publish({
    incidentId: 'INC-4',
    title: 'API unavailable',
    status: 'identified',
    message: 'The primary database failed.\nWe are failing over to us-west-2.',
    components: { api: 'major_outage' },
    impact: 'critical',
  });
  clock.set(Date.parse('2026-11-21T12:06:00Z'));
}

const openStatus = (javaScriptEnabled: boolean): Promise<OpenedPage> => chromium.open('/status', javaScriptEnabled);

describe('the built-in status page in a real browser', () => {
  it('shows the overall status, every component with its status in words, and the incidents with their updates', async () => {
    const { page, dialogs } = await openStatus(true);
    try {
      expect(await page.title()).toBe('Service status: Major outage');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await expect.poll(() => page.getByRole('banner').getByRole('heading', { level: 1 }).innerText()).toBe('Service status');
      expect(await page.getByRole('main').getByRole('heading', { level: 2 }).allInnerTexts()).toEqual([
        'Current status',
        'Components',
        'Active incidents',
        'Past incidents',
      ]);
      expect(await page.getByRole('contentinfo').getByRole('link').allInnerTexts()).toEqual([
        'Subscribe to incident updates (Atom feed)',
        'This page as JSON',
      ]);

      const summary = page.getByRole('region', { name: 'Current status' });
      expect(await summary.innerText()).toContain('Major outage');

      const rows = await page.getByRole('table').getByRole('row').allInnerTexts();
      expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([
        'Component Status',
        'cdn ✓ Operational',
        'api ✕ Major outage',
        'web ✓ Operational',
      ]);

      const active = page.getByRole('region', { name: 'Active incidents' });
      const incident = active.getByRole('article', { name: 'API unavailable' });
      expect(await incident.getByRole('listitem').allInnerTexts()).toEqual([
        'Identified · 2026-11-21 12:05 UTC\n\nThe primary database failed.\nWe are failing over to us-west-2.\n\nAffected: api (Major outage)',
        `Investigating · 2026-11-21 11:50 UTC\n\n${XSS_MESSAGE}\n\nAffected: api (Partial outage)`,
      ]);
      const past = page.getByRole('region', { name: 'Past incidents' });
      expect(await past.getByRole('article').getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(['Website slow']);
      expect(await past.innerText()).toContain('resolved 2026-11-20 09:40 UTC');

      // Operator text is text: the script in the message neither ran nor became an element.
      expect(dialogs).toEqual([]);
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__owned)).toBeUndefined();
      expect(await page.locator('script').count()).toBe(0);

      // Colour backs up the words, with the palette's tested contrast.
      const badge = page.getByRole('table').locator('.badge').nth(1);
      expect(await badge.evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).color)).toBe(
        rgb(STATUS_COLOURS.major_outage.fg),
      );
      expect(await badge.evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).backgroundColor)).toBe(
        rgb(STATUS_COLOURS.major_outage.bg),
      );

      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await page.context().close();
    }
  });

  it('without JavaScript the page shows exactly the same content', async () => {
    const withJs = await openStatus(true);
    const withoutJs = await openStatus(false);
    try {
      const textWith = await withJs.page.locator('body').innerText();
      const textWithout = await withoutJs.page.locator('body').innerText();
      expect(textWithout).toBe(textWith);
      expect(textWithout).toContain('API unavailable');
      expect(textWithout).toContain('We are failing over to us-west-2.');
      expect(await withoutJs.page.getByRole('main').ariaSnapshot()).toBe(await withJs.page.getByRole('main').ariaSnapshot());
    } finally {
      await withJs.page.context().close();
      await withoutJs.page.context().close();
    }
  });

  it('the skip link and the feed link work from the keyboard, and the feed is well-formed Atom', async () => {
    const { page } = await openStatus(true);
    try {
      await page.keyboard.press('Tab');
      // Polled, as the fragment links are: state read right after an input event raced on a busy CI machine.
      await expect
        .poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent))
        .toBe('Skip to main content');
      await expect.poll(() => page.getByRole('link', { name: 'Skip to main content' }).isVisible()).toBe(true);

      const feedHref = await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href');
      // Fetched outside the page: its Content-Security-Policy rightly forbids the page any fetch.
      const response = await page.request.get(new URL(feedHref ?? '', chromium.baseUrl).href);
      expect(response.headers()['content-type']).toBe('application/atom+xml; charset=utf-8');
      const feed = await page.evaluate(
        (xml) => {
          const doc = new (globalThis as unknown as PageGlobals).DOMParser().parseFromString(xml, 'application/xml');
          return {
            error: doc.querySelector('parsererror')?.textContent ?? null,
            root: doc.documentElement.namespaceURI,
            titles: [...doc.querySelectorAll('entry > title')].map((t) => t.textContent),
            firstContent: doc.querySelector('entry > content')?.textContent,
          };
        },
        await response.text(),
      );
      expect(feed).toEqual({
        error: null,
        root: 'http://www.w3.org/2005/Atom',
        titles: ['Identified: API unavailable', 'Investigating: API unavailable', 'Resolved: Website slow', 'Investigating: Website slow'],
        firstContent: 'The primary database failed.\nWe are failing over to us-west-2.\n\nAffected: api: Major outage',
      });
    } finally {
      await page.context().close();
    }
  });
});

/**
 * The browser globals the in-page checks use. The project compiles without the DOM library (it is
 * a Node service), so functions run in the page see them through this type, not the DOM's.
 */
interface PageGlobals {
  __owned?: boolean;
  getComputedStyle(element: unknown): { color: string; backgroundColor: string };
  document: { activeElement: { textContent: string | null } | null };
  DOMParser: new () => { parseFromString(text: string, type: string): XmlDocument };
}
interface XmlNode {
  textContent: string | null;
}
interface XmlDocument {
  documentElement: { namespaceURI: string | null };
  querySelector(selector: string): XmlNode | null;
  querySelectorAll(selector: string): Iterable<XmlNode>;
}

function rgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}
