// Tiny flag parser for benches: --name value | --name=value; durations like 500ms, 30s, 2m.

/** Parses `--key value` / `--key=value` pairs into an object (values stay strings). */
export function parseFlags(argv, known) {
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    // Split at the first '=' only: a value may hold one itself (--node-options=--max-old-space-size=256).
    const eq = arg.indexOf('=');
    const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (!known.includes(key)) throw new Error(`unknown flag --${key} (known: ${known.map((k) => `--${k}`).join(' ')})`);
    flags[key] = inline ?? argv[++i];
    if (flags[key] === undefined) throw new Error(`--${key} needs a value`);
  }
  return flags;
}

/** "500ms" | "30s" | "2m" | "1500" (ms) -> milliseconds. */
export function parseDurationMs(text) {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(text).trim());
  if (!match) throw new Error(`not a duration: "${text}" (use 500ms, 30s, 2m)`);
  const value = Number(match[1]);
  return Math.round(value * { ms: 1, s: 1000, m: 60_000 }[match[2] ?? 'ms']);
}

/** "1000,10000" -> [1000, 10000] */
export function parseIntList(text) {
  return String(text)
    .split(',')
    .map((s) => Number(s.replace(/_/g, '')))
    .map((n) => {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`not a positive integer list: "${text}"`);
      return n;
    });
}
