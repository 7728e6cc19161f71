import { describe, expect, it, vi } from 'vitest';
import { IncidentNotifier, type IncidentNotifierOptions } from '../../../src/bot/incident-notifier.js';
import { MemoryIncidentMessageRefs } from '../../../src/backend/memory/memory-incident-message-refs.js';
import type { Incident } from '../../../src/core/incident.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { PagingState } from '../../../src/paging/paging-state.js';
import { MANUAL_CLOCK_START, ManualClock } from '../../doubles/manual-clock.js';
import { memoryOutboxService } from '../../doubles/memory-slack-outbox-service.js';
import { RecordingSlackGateway } from '../../doubles/slack-recording-gateway.js';
import { botConfig } from '../../e2e/bot/slack-bot-harness.js';

const T0 = MANUAL_CLOCK_START; // 2026-11-21 12:00 UTC
const time = (ms: number, text: string) => `<!date^${ms / 1000}^{time}|${text}>`;

const incident = (over: Partial<Incident> = {}): Incident => ({
  id: 'INC-1',
  checkId: 'api',
  severity: 'SEV2',
  peakSeverity: 'SEV2',
  state: 'open',
  openedAt: T0,
  updatedAt: T0,
  summary: 'HTTP 503',
  measurement: { kind: 'http', status: 503, url: 'x' },
  revision: 1,
  ...over,
});

function setup(options: Partial<Pick<IncidentNotifierOptions, 'pagingState' | 'loadIncident'>> & { withPaging?: boolean } = {}) {
  const gateway = new RecordingSlackGateway();
  const clock = new ManualClock();
  const refs = new MemoryIncidentMessageRefs(clock);
  const outbox = memoryOutboxService(gateway, clock);
  const states = new Map<string, PagingState>();
  const stored = new Map<string, Incident>();
  const lookups: string[] = [];
  const withPaging = options.withPaging ?? true;
  const notifier = new IncidentNotifier({
    config: botConfig(), // pageAt SEV2 (the default); incident channels at SEV1
    gateway,
    refs,
    operatorUserIds: async () => [],
    logger: silentLogger(),
    outbox,
    ...(withPaging && {
      pagingState: async (id: string) => {
        lookups.push(id);
        return states.get(id) ?? null;
      },
      loadIncident: async (id: string) => stored.get(id) ?? null,
    }),
    ...options,
  });
  /** The paging context line of every chat.postMessage / chat.update, in order. */
  const pagingLines = () =>
    gateway.calls
      .filter((c) => c.method === 'chat.update' || (c.method === 'chat.postMessage' && c.args.threadTs === undefined && c.args.blocks))
      .map((c) => {
        const block = (c.args.blocks as Array<{ block_id?: string; elements?: Array<{ text: string }> }>).find(
          (b) => b.block_id === 'lifeboat.incident.paging',
        );
        return `${c.method} ${block?.elements?.[0]?.text ?? '(no paging line)'}`;
      });
  return { gateway, refs, states, stored, lookups, notifier, pagingLines, outbox };
}

const triggered: PagingState = { incidentId: 'INC-1', status: 'triggered', at: T0 + 2_000, reason: 'SEV2 is at or above pageAt (SEV2)' };
const queued: PagingState = { incidentId: 'INC-1', status: 'queued', at: T0, reason: 'SEV2 is at or above pageAt (SEV2)' };

describe('IncidentNotifier with paging', () => {
  it('posts with the paging state of the moment, then updates the same message in place when paging moves on', async () => {
    const { notifier, states, pagingLines, gateway, outbox } = setup();
    states.set('INC-1', queued);
    notifier.listener({ incident: incident() });
    await outbox.idle();
    states.set('INC-1', triggered);
    notifier.onPagingChange('INC-1');
    await outbox.idle();
    expect(pagingLines()).toEqual([
      'chat.postMessage :pager: Paging PagerDuty (error)…',
      `chat.update :pager: Paged PagerDuty ${time(T0 + 2_000, '12:00 UTC')} (error)`,
    ]);
    expect(gateway.calls[1]?.args).toMatchObject({ channel: 'C0INCIDENTS', ts: '1000.000001', text: 'SEV2 INC-1 api: HTTP 503 (open)' });
  });

  it('a paging change before the message exists posts nothing: the first post shows it', async () => {
    const { notifier, states, stored, gateway, pagingLines, outbox } = setup();
    stored.set('INC-1', incident()); // committed, but this replica's post has not happened yet
    states.set('INC-1', triggered);
    notifier.onPagingChange('INC-1');
    await outbox.idle();
    expect(gateway.calls).toEqual([]);
    notifier.listener({ incident: incident() });
    await outbox.idle();
    expect(pagingLines()).toEqual([`chat.postMessage :pager: Paged PagerDuty ${time(T0 + 2_000, '12:00 UTC')} (error)`]);
  });

  it('an incident change arriving while a paging-only update is queued is still posted', async () => {
    const { notifier, states, pagingLines, outbox } = setup();
    states.set('INC-1', queued);
    notifier.onPagingChange('INC-1'); // queued, not started: the change below rides on it
    notifier.listener({ incident: incident() });
    await outbox.idle();
    expect(pagingLines()).toEqual(['chat.postMessage :pager: Paging PagerDuty (error)…']);
  });

  it('paging changes while an update is queued ride on it: one update showing the newest state', async () => {
    const { notifier, states, gateway, pagingLines, outbox } = setup();
    notifier.listener({ incident: incident() });
    await outbox.idle();
    gateway.hold();
    states.set('INC-1', queued);
    notifier.onPagingChange('INC-1');
    const delivering = outbox.idle(); // renders, then waits on Slack
    await vi.waitFor(() => expect(gateway.methods().at(-1)).toBe('chat.update'), { timeout: 10_000 });
    notifier.onPagingChange('INC-1');
    states.set('INC-1', { ...triggered, retrying: undefined });
    notifier.onPagingChange('INC-1');
    gateway.release();
    await delivering;
    await outbox.idle();
    expect(pagingLines()).toEqual([
      'chat.postMessage (no paging line)',
      'chat.update :pager: Paging PagerDuty (error)…',
      `chat.update :pager: Paged PagerDuty ${time(T0 + 2_000, '12:00 UTC')} (error)`,
    ]);
  });

  it('a paging update uses the stored incident when this process saw an older revision (another replica acknowledged it)', async () => {
    const { notifier, states, stored, gateway, outbox } = setup();
    notifier.listener({ incident: incident() });
    await outbox.idle();
    stored.set('INC-1', incident({ state: 'acknowledged', acknowledgedBy: 'U0AAA', acknowledgedAt: T0 + 60_000, revision: 2 }));
    states.set('INC-1', { ...triggered, status: 'acknowledged', at: T0 + 61_000, actor: 'U0AAA' });
    notifier.onPagingChange('INC-1');
    await outbox.idle();
    const update = gateway.calls.find((c) => c.method === 'chat.update');
    expect(update?.args.text).toBe('SEV2 INC-1 api: HTTP 503 (acknowledged)');
    expect(JSON.stringify(update?.args.blocks)).toContain(`:pager: PagerDuty acknowledged ${time(T0 + 61_000, '12:01 UTC')}`);
  });

  it('keeps what this process saw when the store holds an older revision', async () => {
    const { notifier, states, stored, gateway, outbox } = setup();
    notifier.listener({ incident: incident({ state: 'acknowledged', acknowledgedBy: 'U0AAA', revision: 3 }) });
    await outbox.idle();
    stored.set('INC-1', incident({ revision: 2 }));
    states.set('INC-1', triggered);
    notifier.onPagingChange('INC-1');
    await outbox.idle();
    expect(gateway.calls.find((c) => c.method === 'chat.update')?.args.text).toBe('SEV2 INC-1 api: HTTP 503 (acknowledged)');
  });

  it('updates a resolved incident this process already forgot, from the store (PagerDuty accepted the resolve later)', async () => {
    const { notifier, states, stored, gateway, pagingLines, outbox } = setup();
    const resolved = incident({ state: 'resolved', resolvedAt: T0 + 300_000, revision: 2 });
    notifier.listener({ incident: incident() });
    notifier.listener({ incident: resolved });
    await outbox.idle();
    stored.set('INC-1', resolved);
    states.set('INC-1', { ...triggered, status: 'resolved', at: T0 + 302_000 });
    notifier.onPagingChange('INC-1');
    await outbox.idle();
    expect(pagingLines().at(-1)).toBe(`chat.update :pager: PagerDuty alert resolved ${time(T0 + 302_000, '12:05 UTC')}`);
    expect(gateway.calls.at(-1)?.args.text).toBe('SEV2 INC-1 api: HTTP 503 (resolved)');
  });

  it('shows "Not paged" for an incident below pageAt that paging never touched', async () => {
    const { notifier, pagingLines, outbox } = setup();
    notifier.listener({ incident: incident({ severity: 'SEV3', peakSeverity: 'SEV3' }) });
    await outbox.idle();
    expect(pagingLines()).toEqual(['chat.postMessage :pager: Not paged (below SEV2)']);
  });

  it('without a paging lookup (paging off) messages carry no paging line and paging changes do nothing', async () => {
    const { notifier, gateway, lookups, pagingLines, outbox } = setup({ withPaging: false });
    notifier.listener({ incident: incident({ severity: 'SEV3', peakSeverity: 'SEV3' }) });
    await outbox.idle();
    notifier.onPagingChange('INC-1');
    await outbox.idle();
    expect(pagingLines()).toEqual(['chat.postMessage (no paging line)']);
    expect(gateway.methods()).toEqual(['chat.postMessage']);
    expect(lookups).toEqual([]);
  });

  it('the incident channel update keeps the paging line', async () => {
    const { notifier, states, gateway, pagingLines, outbox } = setup();
    states.set('INC-1', triggered);
    // botConfig opens incident channels at SEV1: post, create the channel, update with its link.
    notifier.listener({ incident: incident({ severity: 'SEV1', peakSeverity: 'SEV1' }) });
    await outbox.idle();
    expect(gateway.methods()).toEqual([
      'chat.postMessage',
      'conversations.create',
      'conversations.invite',
      'chat.postMessage',
      'chat.update',
    ]);
    expect(pagingLines()).toEqual([
      `chat.postMessage :pager: Paged PagerDuty ${time(T0 + 2_000, '12:00 UTC')} (critical)`,
      `chat.update :pager: Paged PagerDuty ${time(T0 + 2_000, '12:00 UTC')} (critical)`,
    ]);
  });

  it('exposes where an incident message lives, for links to it', async () => {
    const { notifier, outbox } = setup();
    expect(await notifier.messageRef('INC-1')).toBeNull();
    notifier.listener({ incident: incident() });
    await outbox.idle();
    expect(await notifier.messageRef('INC-1')).toEqual({ channel: 'C0INCIDENTS', ts: '1000.000001' });
  });
});
