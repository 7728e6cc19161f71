/** Longest `/dr` text accepted; anything longer is refused before it is read. */
export const MAX_COMMAND_TEXT_LENGTH = 4_000; // characters (Unicode code points, not UTF-16 units)

// Invisible characters clients insert on their own (no-break and typographic spaces, zero-width
// joiners, direction marks): spaces become spaces, the rest is dropped, so a pasted
// "INC-4\u200b" still reads as INC-4.
const UNICODE_SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
const INVISIBLE = /[\u200b-\u200f\u2060\ufeff]/g;
// Control characters (except tab and newlines) and bidi overrides have no business in a command
// and can make text read differently from what it is: refused outright.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// Phones and macOS turn a typed "--" into an em or en dash: "—dry-run" means "--dry-run".
const DASHED_FLAG = /(^|\s)[\u2012-\u2015\u2212](?=[a-z])/gi;

export type NormalizedText = { ok: true; text: string } | { ok: false; error: string };

/** Cleans typed text for parsing, or says why it cannot be read. */
export function normalizeCommandText(raw: string): NormalizedText {
  // Counted as people count them: an emoji outside the BMP is one character, two UTF-16 units.
  const length = codePointLength(raw);
  if (length > MAX_COMMAND_TEXT_LENGTH) {
    return {
      ok: false,
      error: `That command is ${length} characters long; the longest accepted is ${MAX_COMMAND_TEXT_LENGTH}.`,
    };
  }
  if (CONTROL.test(raw)) {
    return { ok: false, error: 'That command contains invisible control characters; retype it without them.' };
  }
  const text = raw.replace(UNICODE_SPACES, ' ').replace(INVISIBLE, '').replace(DASHED_FLAG, '$1--').trim();
  return { ok: true, text };
}

/** The first `count` whitespace-separated words, and the rest of the text as typed (trimmed). */
export function takeWords(text: string, count: number): { words: string[]; rest: string } {
  const words: string[] = [];
  let rest = text.trimStart();
  while (words.length < count && rest.length > 0) {
    const match = /^(\S+)\s*/.exec(rest);
    if (!match) break;
    words.push(match[1] ?? '');
    rest = rest.slice(match[0].length);
  }
  return { words, rest: rest.trim() };
}

/** All whitespace-separated words. */
export function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((word) => word.length > 0);
}

/** Removes one pair of matching surrounding quotes (straight or typographic), if present. */
export function unquote(text: string): string {
  const pairs: Array<[string, string]> = [
    ['"', '"'],
    ["'", "'"],
    ['\u201c', '\u201d'],
    ['\u2018', '\u2019'],
  ];
  for (const [open, close] of pairs) {
    if (text.length >= 2 && text.startsWith(open) && text.endsWith(close)) return text.slice(1, -1).trim();
  }
  return text;
}

/** Unicode code points in `text` (a surrogate pair counts once), without building an array. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A low surrogate right after a high one belongs to the same code point.
    if (unit >= 0xdc00 && unit <= 0xdfff && i > 0) {
      const previous = text.charCodeAt(i - 1);
      if (previous >= 0xd800 && previous <= 0xdbff) continue;
    }
    count += 1;
  }
  return count;
}
