import { describe, expect, it } from 'vitest';
import { incidentChannelName } from '../../../src/bot/incident-channel-name.js';

describe('incidentChannelName', () => {
  it.each([
    ['INC-42', 'orders-lag', 1, 'inc-42-orders-lag'],
    ['INC-42', 'orders-lag', 2, 'inc-42-orders-lag-2'],
    ['INC-1', 'a'.repeat(90), 1, `inc-1-${'a'.repeat(74)}`],
    ['INC-1', 'a'.repeat(90), 3, `inc-1-${'a'.repeat(72)}-3`],
  ])('%s %s #%d -> %s', (id, check, attempt, name) => {
    const result = incidentChannelName(id, check, attempt);
    expect(result).toBe(name);
    expect(result.length).toBeLessThanOrEqual(80);
    expect(result).toMatch(/^[a-z0-9_-]+$/);
  });
});
