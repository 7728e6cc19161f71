import { describe, expect, it, vi } from 'vitest';
import { IncidentNotifier } from '../../../src/bot/incident-notifier.js';
import { MemoryIncidentMessageRefs } from '../../../src/backend/memory/memory-incident-message-refs.js';
import type { Incident } from '../../../src/core/incident.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { memoryOutboxService } from '../../doubles/memory-slack-outbox-service.js';
import { RecordingSlackGateway } from '../../doubles/slack-recording-gateway.js';
import { botConfig } from '../../e2e/bot/slack-bot-harness.js';

function setup() {
  const gateway = new RecordingSlackGateway();
  const clock = new ManualClock();
  const refs = new MemoryIncidentMessageRefs(clock);
  const outbox = memoryOutboxService(gateway, clock);
  const notifier = new IncidentNotifier({
    config: botConfig(),
    gateway,
    refs,
    operatorUserIds: async () => ['U0AAA'],
    logger: silentLogger(),
    outbox,
  });
  return { gateway, refs, notifier, clock, outbox };
}

const incident = (over: Partial<Incident> = {}): Incident =>
  ({
    id: 'INC-1',
    checkId: 'api',
    severity: 'SEV2',
    peakSeverity: 'SEV2',
    state: 'open',
    openedAt: 0,
    updatedAt: 0,
    summary: 'HTTP 503',
    measurement: { kind: 'http', status: 503, url: 'x' },
    revision: 1,
    ...over,
  }) as Incident;

describe('IncidentNotifier', () => {
  it('returns at once while Slack hangs: the monitor never waits', async () => {
    const { gateway, notifier, outbox } = setup();
    gateway.hold();
    outbox.start();
    const started = performance.now();
    const result = notifier.listener({
      incident: incident(),
      event: {
        type: 'opened',
        incidentId: 'INC-1',
        checkId: 'api',
        at: 0,
        severity: 'SEV2',
        summary: 'HTTP 503',
        measurement: { kind: 'http', url: 'x' },
      },
    });
    expect(result).toBeUndefined();
    // Slack hangs until released: any bound shows the listener does not wait for it; this one allows a stalled loop.
    expect(performance.now() - started).toBeLessThan(1_000);
    // The worker delivers it in the background.
    await vi.waitFor(() => expect(gateway.methods()).toEqual(['chat.postMessage']), { timeout: 10_000 });
    gateway.release();
    await outbox.stop(1_000);
    await outbox.idle(1_000);
    expect(await outbox.pending()).toBe(0);
  });

  it('coalesces value changes that arrive while an update is queued: the newest value is shown once', async () => {
    const { gateway, notifier, outbox } = setup();
    notifier.listener({ incident: incident() });
    await outbox.idle();
    gateway.hold();
    notifier.listener({ incident: incident({ summary: 'HTTP 500' }) });
    const delivering = outbox.idle(); // renders HTTP 500, then waits on Slack
    await vi.waitFor(() => expect(gateway.methods().at(-1)).toBe('chat.update'), { timeout: 10_000 });
    for (const status of [502, 503, 504]) notifier.listener({ incident: incident({ summary: `HTTP ${status}` }) });
    // The update in flight, and one waiting for all three.
    await vi.waitFor(async () => expect(await outbox.pending()).toBe(2), { timeout: 10_000 });
    gateway.release();
    await delivering;
    await outbox.idle();
    const updates = gateway.calls.filter((c) => c.method === 'chat.update').map((c) => c.args.text);
    expect(updates).toEqual(['SEV2 INC-1 api: HTTP 500 (open)', 'SEV2 INC-1 api: HTTP 504 (open)']);
  });

  it('keeps the order of one incident’s changes', async () => {
    const { gateway, notifier, outbox } = setup();
    notifier.listener({ incident: incident() });
    const at = 60_000;
    notifier.listener({
      incident: incident({ state: 'acknowledged', acknowledgedBy: 'U0AAA' }),
      event: {
        type: 'acknowledged',
        incidentId: 'INC-1',
        checkId: 'api',
        at,
        severity: 'SEV2',
        summary: 'HTTP 503',
        measurement: { kind: 'http', url: 'x' },
        actor: 'U0AAA',
      },
    });
    notifier.listener({
      incident: incident({ state: 'resolved', resolvedBy: 'U0AAA', resolvedAt: at }),
      event: {
        type: 'resolved',
        incidentId: 'INC-1',
        checkId: 'api',
        at,
        severity: 'SEV2',
        summary: 'HTTP 503',
        measurement: { kind: 'http', url: 'x' },
        actor: 'U0AAA',
      },
    });
    await outbox.idle();
    expect(gateway.calls.map((c) => `${c.method} ${String(c.args.text).split('\n')[0]}`)).toEqual([
      'chat.postMessage SEV2 INC-1 api: HTTP 503 (resolved)',
      'chat.postMessage :eyes: Acknowledged by <@U0AAA>',
      'chat.postMessage :white_check_mark: Resolved by <@U0AAA> after 1m',
    ]);
  });
});
