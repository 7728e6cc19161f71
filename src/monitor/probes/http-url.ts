/** A probe URL split into what is sent and what may be shown to people. */
export interface PreparedUrl {
  /** `scheme://host[:port]`, what undici pools connections by. */
  origin: string;
  /** Path and query as sent; a fragment never is. */
  path: string;
  /** For summaries, measurements and logs: the password is masked. */
  display: string;
  /** `Basic …` when the URL carried credentials. */
  authorization?: string;
  /** Literal secrets (raw and decoded) to scrub out of foreign error messages. */
  secrets: readonly string[];
}

const NO_SECRETS: readonly string[] = Object.freeze([]);

/**
 * Parses a probe URL once; throws TypeError on an invalid URL (the caller maps it to an outcome).
 * Only strings are kept: a `URL` object is six heap objects (its context and offsets), and
 * undici derives a new origin and path string from one on every request.
 */
export function prepareUrl(raw: string): PreparedUrl {
  const url = new URL(raw);
  const origin = url.origin;
  const path = `${url.pathname}${url.search}`;
  if (url.username === '' && url.password === '') {
    // The configured string when it is already what the URL parser would write: one copy, not two.
    return { origin, path, display: url.href === raw ? raw : url.href, secrets: NO_SECRETS };
  }
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const secrets = [url.password, password, authorization.slice(6)].filter((s) => s.length > 0);
  if (url.password !== '') url.password = '***';
  return { origin, path, display: url.href, authorization, secrets };
}

/** Best-effort display form of a URL that did not parse: user info is cut before it can leak. */
export function displayUnparsedUrl(raw: string): string {
  return raw.replace(/\/\/[^/@\s]*@/, '//***@');
}

/** Replaces each literal secret in `text`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}
