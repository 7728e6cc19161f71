import { describe, expect, it } from 'vitest';
import { bareChangeId, bareZoneId, normalizeDnsName } from '../../../src/aws/route53-gateway.js';

describe('Route 53 names and ids', () => {
  it.each([
    ['orders.db.example.com', 'orders.db.example.com.'],
    ['orders.db.example.com.', 'orders.db.example.com.'],
    ['Orders.DB.Example.com', 'orders.db.example.com.'],
    ['\\052.example.com.', '*.example.com.'],
  ])('normalizes %s to %s', (name, normalized) => {
    expect(normalizeDnsName(name)).toBe(normalized);
  });

  it('strips the /hostedzone/ and /change/ prefixes Route 53 returns', () => {
    expect(bareZoneId('/hostedzone/Z123')).toBe('Z123');
    expect(bareZoneId('Z123')).toBe('Z123');
    expect(bareChangeId('/change/C2682N5HXP0BZ4')).toBe('C2682N5HXP0BZ4');
  });
});
