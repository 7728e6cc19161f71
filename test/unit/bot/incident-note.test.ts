import { describe, expect, it } from 'vitest';
import { IncidentNotifier } from '../../../src/bot/incident-notifier.js';
import { MemoryIncidentMessageRefs } from '../../../src/backend/memory/memory-incident-message-refs.js';
import type { Incident } from '../../../src/core/incident.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { MANUAL_CLOCK_START, ManualClock } from '../../doubles/manual-clock.js';
import { memoryOutboxService } from '../../doubles/memory-slack-outbox-service.js';
import { RecordingSlackGateway } from '../../doubles/slack-recording-gateway.js';
import { botConfig } from '../../e2e/bot/slack-bot-harness.js';

const incident: Incident = {
  id: 'INC-1',
  checkId: 'api',
  severity: 'SEV2',
  peakSeverity: 'SEV2',
  state: 'open',
  revision: 1,
  openedAt: MANUAL_CLOCK_START,
  updatedAt: MANUAL_CLOCK_START,
  summary: 'HTTP 503',
  measurement: { kind: 'http', status: 503, url: 'x' },
};

function setup() {
  const gateway = new RecordingSlackGateway();
  const outbox = memoryOutboxService(gateway);
  const notifier = new IncidentNotifier({
    config: botConfig(),
    gateway,
    refs: new MemoryIncidentMessageRefs(new ManualClock()),
    operatorUserIds: async () => [],
    logger: silentLogger(),
    outbox,
  });
  return { gateway, notifier, outbox };
}

describe('IncidentNotifier.noteOnIncident', () => {
  it("posts the note in the incident message's thread, after the message itself", async () => {
    const { gateway, notifier, outbox } = setup();
    notifier.listener({
      incident,
      event: {
        type: 'opened',
        incidentId: 'INC-1',
        checkId: 'api',
        at: MANUAL_CLOCK_START,
        severity: 'SEV2',
        summary: 'HTTP 503',
        measurement: incident.measurement,
      },
    });
    notifier.noteOnIncident('INC-1', ':mega: Status page updated');
    await outbox.idle(2000);
    const posts = gateway.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts).toHaveLength(2);
    // The first post is the incident message (ts 1000.000001): the note threads under it.
    expect(posts[1]?.args).toEqual({
      channel: 'C0INCIDENTS',
      text: ':mega: Status page updated',
      threadTs: '1000.000001',
      // Carries its outbox id, so a post whose answer is lost is found instead of posted twice.
      metadata: { eventType: 'lifeboat_post', payload: { outbox_id: expect.stringMatching(/^[0-9a-f-]{36}$/) } },
      maxRateLimitWaitMs: 0, // a paused method fails at once: the outbox holds the lane instead
    });
  });

  it('drops a note for an incident that was never posted, without posting anything', async () => {
    const { gateway, notifier, outbox } = setup();
    notifier.noteOnIncident('INC-404', 'nothing to thread on');
    await outbox.idle(2000);
    expect(gateway.calls).toEqual([]);
  });
});
