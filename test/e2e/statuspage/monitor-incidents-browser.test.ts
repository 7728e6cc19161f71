import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../src/core/check-result.js';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { createStatusPage } from '../../../src/statuspage/create-status-page.js';
import { useChromium, type OpenedPage } from '../../doubles/chromium.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { fail, pass } from '../../doubles/results.js';
import { builtinConfig, builtinServer } from '../../integration/statuspage/builtin-fixtures.js';
import { testBackend } from '../../doubles/test-backend.js';

const SCREENSHOT = '/tmp/lifeboat-status-page-monitor.png';
const SECTION = 'Detected by monitoring \u2014 not reviewed by a person';
// What a hostile or broken health endpoint could put into a probe's summary.
const HOSTILE_SUMMARY = 'body mismatch: <script>window.__owned = true; alert("owned")</script> & <img src=x onerror="alert(2)">';

const chromium = useChromium(async () => {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  const module = createStatusPage({
    config: builtinConfig({ showMonitorIncidents: true }),
    logger: silentLogger(),
    store: testBackend(null, 'x:', clock).statusPage,
    clock,
    incidents: store,
  });
  await morning(store, clock, module.statusPage.publish.bind(module.statusPage));
  return (await builtinServer(module, clock)).server;
});

/**
 * 11:00-11:30 backups late (INC-1, resolved by the monitor); 11:50 api failing (INC-2, SEV2, with a
 * hostile body); 12:00 web down (INC-3, SEV1), acknowledged 12:03 and published 12:04. Now 12:06.
 */
async function morning(store: MemoryStore, clock: ManualClock, publish: ReturnType<typeof createStatusPage>['statusPage']['publish']) {
  const engine = new IncidentEngine({
    store,
    clock,
    logger: silentLogger(),
    policies: new Map(['api', 'web', 'orders-backups'].map((id) => [id, { failAfter: 1, recoverAfter: 1 }])),
    fencing: { mode: 'unfenced' },
  });
  clock.set(Date.parse('2026-11-21T11:00:00Z'));
  await engine.apply({ ...fail('SEV2', 'orders-backups'), summary: 'newest snapshot 27h old (max 26h)' });
  clock.set(Date.parse('2026-11-21T11:30:00Z'));
  await engine.apply({ ...pass('orders-backups'), summary: 'newest snapshot 10m old' });
  clock.set(Date.parse('2026-11-21T11:50:00Z'));
  const hostile: CheckResult = { ...fail('SEV2', 'api', 0, 200), summary: HOSTILE_SUMMARY };
  await engine.apply(hostile);
  clock.set(Date.parse('2026-11-21T12:00:00Z'));
  await engine.apply(fail('SEV1', 'web'));
  clock.set(Date.parse('2026-11-21T12:03:00Z'));
  await engine.acknowledge('INC-3', 'U0AAA');
  clock.set(Date.parse('2026-11-21T12:04:00Z'));
  await publish({
    incidentId: 'INC-3',
    title: 'Website unavailable',
    status: 'investigating',
    message: 'The website does not load. We are on it.',
    components: { web: 'major_outage' },
    impact: 'critical',
  });
  clock.set(Date.parse('2026-11-21T12:06:00Z'));
}

const openStatus = (javaScriptEnabled: boolean): Promise<OpenedPage> => chromium.open('/status', javaScriptEnabled);

const squash = (texts: string[]): string[] => texts.map((t) => t.replace(/\s+/g, ' ').trim());

describe("the built-in page with the monitor's incidents, in a real browser", () => {
  it('shows them in their own labelled section after the published ones, and components follow them', async () => {
    const { page, dialogs } = await openStatus(true);
    try {
      expect(await page.title()).toBe('Service status: Major outage');
      expect(await page.getByRole('main').getByRole('heading', { level: 2 }).allInnerTexts()).toEqual([
        'Current status',
        'Components',
        'Active incidents',
        SECTION,
        'Past incidents',
      ]);
      const summary = page.getByRole('region', { name: 'Current status' });
      expect(squash([await summary.innerText()])[0]).toContain('2 open incidents detected by monitoring, not reviewed by a person.');

      expect(squash(await page.getByRole('table').getByRole('row').allInnerTexts())).toEqual([
        'Component Status',
        'cdn ✓ Operational',
        'api ▲ Partial outage detected by monitoring: INC-2',
        'web ✕ Major outage',
      ]);

      // The published incident keeps its own section; the detected one is listed apart.
      const active = page.getByRole('region', { name: 'Active incidents' });
      expect(await active.getByRole('article').getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(['Website unavailable']);

      const detected = page.getByRole('region', { name: SECTION });
      expect(await detected.innerText()).toContain('before anyone has reviewed them');
      expect(await detected.getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(['Open now', 'Resolved in the last 24 hours']);
      expect(await detected.getByRole('article').getByRole('heading', { level: 4 }).allInnerTexts()).toEqual([
        'web (INC-3)',
        'api (INC-2)',
        'orders-backups (INC-1)',
      ]);
      expect(squash([await detected.getByRole('article', { name: 'api (INC-2)' }).locator('dl').innerText()])).toEqual([
        `Severity ▲ SEV2 · major Measured ${HOSTILE_SUMMARY} Since 2026-11-21 11:50 UTC (16 min) State Open, not yet acknowledged Component api`,
      ]);
      expect(squash([await detected.getByRole('article', { name: 'web (INC-3)' }).locator('dl').innerText()])).toEqual([
        'Severity ✕ SEV1 · critical Measured HTTP 503 (expected 200) Since 2026-11-21 12:00 UTC (6 min) State Acknowledged by the on-call team Component web',
      ]);
      expect(squash([await detected.getByRole('article', { name: 'orders-backups (INC-1)' }).locator('dl').innerText()])).toEqual([
        'Worst severity ▲ SEV2 · major Last measured newest snapshot 10m old Open 2026-11-21 11:00 UTC to 2026-11-21 11:30 UTC (30 min)',
      ]);
      // Who acknowledged stays in Slack.
      expect(await page.locator('body').innerText()).not.toContain('U0AAA');

      // A probe's text is text: nothing in it ran or became an element.
      expect(dialogs).toEqual([]);
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__owned)).toBeUndefined();
      expect(await page.locator('script, main img').count()).toBe(0);

      // Set apart visually too: a dashed, shaded box.
      expect(await detected.evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).borderTopStyle)).toBe('dashed');

      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await page.context().close();
    }
  });

  it('the component note and the summary note link to the detected incidents, from the keyboard too', async () => {
    const { page } = await openStatus(true);
    try {
      // A fragment link navigates within the document after the input event returns, so the URL is
      // polled rather than read once (reading it at once failed on a busy CI machine).
      await page.getByRole('table').getByRole('link', { name: 'INC-2' }).click();
      await expect.poll(() => new URL(page.url()).hash).toBe('#monitor-INC-2');
      await expect
        .poll(() =>
          page.getByRole('article', { name: 'api (INC-2)' }).evaluate((el) => {
            const box = (el as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect();
            return box.top >= 0 && box.top < 900;
          }),
        )
        .toBe(true);

      const note = page.getByRole('link', { name: '2 open incidents detected by monitoring' });
      await note.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => new URL(page.url()).hash).toBe('#monitor-heading');
    } finally {
      await page.context().close();
    }
  });

  it('without JavaScript the page shows exactly the same content', async () => {
    const withJs = await openStatus(true);
    const withoutJs = await openStatus(false);
    try {
      const textWithout = await withoutJs.page.locator('body').innerText();
      expect(textWithout).toBe(await withJs.page.locator('body').innerText());
      expect(textWithout).toContain(SECTION);
      expect(textWithout).toContain('Open, not yet acknowledged');
      expect(await withoutJs.page.getByRole('main').ariaSnapshot()).toBe(await withJs.page.getByRole('main').ariaSnapshot());
    } finally {
      await withJs.page.context().close();
      await withoutJs.page.context().close();
    }
  });
});

/** Browser globals the in-page checks use (the project compiles without the DOM library). */
interface PageGlobals {
  __owned?: boolean;
  getComputedStyle(element: unknown): { borderTopStyle: string };
}
