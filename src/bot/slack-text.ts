/*
 * Slack sends typed text in its own markup: `&`, `<` and `>` arrive as `&amp;`, `&lt;`, `&gt;`;
 * mentions and links arrive as `<@U123|bob>`, `<#C123|general>`, `<!here>`, `<https://x|label>`.
 * Free text that leaves Slack (status-page messages, resolve notes) is turned into plain text;
 * anything a person typed that we post back is escaped, so it can never become a live
 * `@channel` or a link it was not.
 */

const MARKUP = /<([^<>]*)>/g;

/** Slack markup to plain text: `<@U1|bob>` -> `@bob`, `<!here>` -> `@here`, `&lt;` -> `<`. */
export function slackTextToPlain(raw: string): string {
  const withoutMarkup = raw.replace(MARKUP, (_match, inner: string) => {
    const [target = '', label] = splitOnce(inner, '|');
    if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    if (target.startsWith('!')) {
      if (label !== undefined) return label.startsWith('@') ? label : `@${label}`;
      const special = target.slice(1).split('^')[0] ?? '';
      return `@${special}`;
    }
    return label ?? target;
  });
  return decodeEntities(withoutMarkup);
}

/** Decodes the three entities Slack escapes (`&amp;` last, so `&amp;lt;` stays `&lt;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Escapes text for a Slack `mrkdwn` or `text` field, so it shows literally. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Longest piece of user input echoed back in an error message. */
export const MAX_ECHO_LENGTH = 40; // characters

/** A piece of user input, shortened and escaped, in a code span, for error messages. */
export function quoteInput(input: string): string {
  const chars = [...input];
  const short = chars.length > MAX_ECHO_LENGTH ? `${chars.slice(0, MAX_ECHO_LENGTH).join('')}…` : input;
  // Backticks would end the code span early; newlines would break it across lines.
  const safe = escapeMrkdwn(short.replace(/`/g, "'").replace(/\s+/g, ' '));
  return `\`${safe}\``;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
