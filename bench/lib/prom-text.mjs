// Reading a Prometheus text-format scrape: the samples of a few families, and quantiles of a
// histogram's bucket deltas between two scrapes, interpolated as PromQL's histogram_quantile does.

/**
 * The samples of the named families in a scrape: `{ name, labels, value }` for every sample line
 * whose metric name is one of `names` (a histogram's `_bucket`, `_sum`, `_count` lines are named in
 * full). Other lines are skipped by their first characters only, so a 3 MiB scrape reads quickly.
 */
export function samples(text, names) {
  const wanted = new Set(names);
  const out = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const nameEnd = brace !== -1 && brace < space ? brace : space;
    const name = line.slice(0, nameEnd);
    if (!wanted.has(name)) continue;
    // Values are the last field; a timestamp, when present, would follow it (prom-client sends none).
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    out.push({ name, labels: nameEnd === brace ? parseLabels(line.slice(brace + 1, line.indexOf('}', brace))) : {}, value });
  }
  return out;
}

/** `a="x",b="y"` → { a: 'x', b: 'y' } (label values here never hold quotes or commas). */
function parseLabels(text) {
  const labels = {};
  for (const match of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]] = match[2];
  return labels;
}

/** Sum of every sample of `name` whose labels include `where`. */
export function sum(all, name, where = {}) {
  let total = 0;
  for (const s of all) {
    if (s.name !== name) continue;
    if (Object.entries(where).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

/** A histogram's cumulative buckets, summed over its label sets: [{ le, count }] sorted by le. */
export function buckets(all, histogram) {
  const byLe = new Map();
  for (const s of all) {
    if (s.name !== `${histogram}_bucket`) continue;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** Bucket counts observed between two scrapes (`after` minus `before`, bucket by bucket). */
export function bucketDelta(before, after) {
  const start = new Map(before.map((b) => [b.le, b.count]));
  return after.map((b) => ({ le: b.le, count: b.count - (start.get(b.le) ?? 0) }));
}

/**
 * The q-quantile (0..1) of cumulative buckets, as histogram_quantile computes it: find the bucket
 * holding rank q × total and interpolate linearly inside it, the first bucket starting at 0. The
 * answer is only as fine as the buckets (it assumes observations spread evenly within one). When
 * the rank falls in the +Inf bucket the answer is the highest finite bound, marked `above: true`
 * (the true value is somewhere beyond it). `null` when nothing was observed.
 */
export function quantile(cumulative, q) {
  const total = cumulative.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const { le, count } of cumulative) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return { value: lowerLe, above: true };
      if (count === lowerCount) return { value: le, above: false };
      return { value: lowerLe + ((le - lowerLe) * (rank - lowerCount)) / (count - lowerCount), above: false };
    }
    lowerLe = le;
    lowerCount = count;
  }
  return { value: lowerLe, above: true };
}
