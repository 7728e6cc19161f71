import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { detachStrings } from '../../../src/config/detach-strings.js';

describe('detachStrings', () => {
  it('copies parsed YAML value for value, whatever the types', () => {
    const raw = parseDocument(
      [
        'checks:',
        '  - id: orders-api-health-check',
        '    url: "https://orders.example.com/health?deep=1"',
        '    every: 10s',
        '    expect: { status: [200, 204] }',
        'odd: { inf: .inf, nan: .nan, none: null, yes: true, lone: "\\ud800 half a pair, then more" }',
        '"__proto__": { polluted: true }',
      ].join('\n'),
    ).toJS();
    const copy = detachStrings(raw) as Record<string, unknown>;
    expect(copy).toStrictEqual(raw);
    expect(copy).not.toBe(raw);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((copy.odd as { lone: string }).lone.charCodeAt(0)).toBe(0xd800);
  });

  it('keeps what aliases share shared, and ends on a recursive alias', () => {
    const raw = parseDocument('base: &b { url: "https://shared.example.com/health" }\nuses: [*b, *b]\nloop: &l [1, *l]').toJS() as {
      base: object;
      uses: object[];
    };
    const copy = detachStrings(raw) as { base: object; uses: object[]; loop: unknown[] };
    expect(copy.uses[0]).toBe(copy.base);
    expect(copy.uses[1]).toBe(copy.base);
    expect(copy.base).not.toBe(raw.base);
    expect(copy.loop[1]).toBe(copy.loop);
  });
});
