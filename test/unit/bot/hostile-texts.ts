/**
 * Random and hostile `/dr` texts, reproducible from a seed: unicode, 10 KB strings, quotes,
 * `<@U…>` mentions, flags without values, control characters, near-miss commands.
 */
export function hostileCommandTexts(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const fragments = [
    'ack',
    'resolve',
    'page',
    'failover',
    'restore',
    'statuspage',
    'status',
    'help',
    'approvals',
    'incidents',
    'INC-',
    'INC-0',
    'INC-99999999999',
    'inc--1',
    '--snapshot',
    '--time',
    '--latest',
    '--dry-run',
    '--allow-data-loss',
    '--',
    '-',
    '=',
    '"',
    "'",
    '`',
    '\u201c',
    '\u2019',
    '<@U0AAA>',
    '<@U0BBB|bob>',
    '<!channel>',
    '<!subteam^S1|@sre>',
    '<#C1|general>',
    '<https://evil.example|click>',
    '&lt;',
    '&amp;',
    '&gt;',
    '\u0000',
    '\u0007',
    '\u202e',
    '\u200b',
    '\ud83d\ude80',
    '\u{1F4A5}',
    '\u00e9',
    '\u4e2d\u6587',
    '\n',
    '\t',
    ' ',
    '  ',
    '${jndi:ldap://x}',
    "'; DROP TABLE",
    '../../etc/passwd',
    '%00',
    '\\',
    '{{7*7}}',
    'orders',
    'billing',
    'investigating',
    'resolvedd',
    '2026-13-01T00:00Z',
    '9999-12-31T23:59:59Z',
    'NaN',
    '-1',
    '1e9',
    'null',
    'undefined',
    '__proto__',
    'constructor',
  ];
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const shape = random();
    if (shape < 0.01) {
      texts.push(pick(fragments).repeat(Math.ceil(10_240 / Math.max(1, pick(fragments).length)))); // ~10 KB
    } else if (shape < 0.1) {
      texts.push(randomUnicode(random, 1 + Math.floor(random() * 200)));
    } else {
      const parts = Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick(fragments));
      texts.push(parts.join(random() < 0.7 ? ' ' : ''));
    }
  }
  return texts;
}

function randomUnicode(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const range = random();
    const code =
      range < 0.5 ? Math.floor(random() * 0x80) : range < 0.9 ? Math.floor(random() * 0xd800) : 0x10000 + Math.floor(random() * 0x1000);
    out += String.fromCodePoint(code);
  }
  return out;
}

/** A small seeded PRNG so a failing text can be reproduced. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
