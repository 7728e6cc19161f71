import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';

function errorsOf(yaml: string): string[] {
  const result = parseConfig(yaml, {});
  return result.ok ? [] : result.errors;
}

const HTTP = 'type: http, url: "https://api.example.com/health"';

describe('noise control config (SPEC §9)', () => {
  it('reads dependsOn, remindEvery and maintenance windows', () => {
    const result = parseConfig(
      [
        'checks:',
        `  - { id: edge, ${HTTP} }`,
        `  - { id: api, ${HTTP}, dependsOn: [edge], remindEvery: 30m }`,
        'maintenance:',
        '  - { checks: [api], start: "2027-01-10T02:00:00Z", end: "2027-01-10T04:00:00+01:00", reason: "DB upgrade" }',
      ].join('\n'),
      {},
    );
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const api = result.config.checks[1];
    expect(api?.dependsOn).toEqual(['edge']);
    expect(api?.remindEveryMs).toBe(30 * 60_000);
    expect(result.config.checks[0]?.dependsOn).toBeUndefined();
    expect(result.config.maintenance).toEqual([
      { checks: ['api'], start: Date.parse('2027-01-10T02:00:00Z'), end: Date.parse('2027-01-10T03:00:00Z'), reason: 'DB upgrade' },
    ]);
  });

  it('no maintenance section reads as no windows', () => {
    const result = parseConfig(`checks:\n  - { id: edge, ${HTTP} }`, {});
    expect(result.ok && result.config.maintenance).toBeUndefined();
  });

  it('a cycle is an error naming the path', () => {
    expect(
      errorsOf(
        [
          'checks:',
          `  - { id: a, ${HTTP}, dependsOn: [b] }`,
          `  - { id: b, ${HTTP}, dependsOn: [c] }`,
          `  - { id: c, ${HTTP}, dependsOn: [a] }`,
        ].join('\n'),
      ),
    ).toEqual(['checks[0].dependsOn: a -> b -> c -> a is a cycle']);
    expect(
      errorsOf(
        ['checks:', `  - { id: x, ${HTTP} }`, `  - { id: a, ${HTTP}, dependsOn: [x, b] }`, `  - { id: b, ${HTTP}, dependsOn: [a] }`].join(
          '\n',
        ),
      ),
    ).toEqual(['checks[1].dependsOn: a -> b -> a is a cycle']);
  });

  it('an unknown or self dependency is an error naming the entry', () => {
    expect(errorsOf(['checks:', `  - { id: api, ${HTTP}, dependsOn: [edg] }`, `  - { id: edge, ${HTTP} }`].join('\n'))).toEqual([
      'checks[0].dependsOn[0]: "edg" is not a check id (known: api, edge)',
    ]);
    expect(errorsOf(['checks:', `  - { id: api, ${HTTP}, dependsOn: [api] }`].join('\n'))).toEqual([
      'checks[0].dependsOn[0]: "api" cannot depend on itself',
    ]);
  });

  it('remindEvery must be at least a minute', () => {
    expect(errorsOf(['checks:', `  - { id: api, ${HTTP}, remindEvery: 30s }`].join('\n'))).toEqual([
      'checks[0].remindEvery: must be at least 1m',
    ]);
  });

  it('a window must end after it starts, use zoned ISO times and name known checks', () => {
    const window = (fields: string) => `checks:\n  - { id: api, ${HTTP} }\nmaintenance:\n  - { ${fields} }`;
    expect(errorsOf(window('checks: [api], start: "2027-01-10T04:00:00Z", end: "2027-01-10T02:00:00Z", reason: r'))).toEqual([
      'maintenance[0].end: must be after start',
    ]);
    expect(errorsOf(window('checks: [api], start: "2027-01-10T04:00:00", end: "2027-01-10T05:00:00Z", reason: r'))).toEqual([
      'maintenance[0].start: "2027-01-10T04:00:00" is not an ISO-8601 time with a zone (e.g. "2027-01-10T02:00:00Z")',
    ]);
    expect(errorsOf(window('checks: [apj], start: "2027-01-10T04:00:00Z", end: "2027-01-10T05:00:00Z", reason: r'))).toEqual([
      'maintenance[0].checks[0]: "apj" is not a check id (known: api)',
    ]);
  });
});
