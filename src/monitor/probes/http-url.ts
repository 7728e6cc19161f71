/** A probe URL split into what is sent and what may be shown to people. */
export interface PreparedUrl {
  /** The URL without user info: undici ignores it, and it must not travel further than the header. */
  target: URL;
  /** For summaries, measurements and logs: the password is masked. */
  display: string;
  /** `Basic …` when the URL carried credentials. */
  authorization?: string;
  /** Literal secrets (raw and decoded) to scrub out of foreign error messages. */
  secrets: string[];
}

/** Parses a probe URL once; throws TypeError on an invalid URL (the caller maps it to an outcome). */
export function prepareUrl(raw: string): PreparedUrl {
  const url = new URL(raw);
  if (url.username === '' && url.password === '') {
    return { target: url, display: url.href, secrets: [] };
  }
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const secrets = [url.password, password, authorization.slice(6)].filter((s) => s.length > 0);
  const shown = new URL(url.href);
  if (shown.password !== '') shown.password = '***';
  url.username = '';
  url.password = '';
  return { target: url, display: shown.href, authorization, secrets };
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
