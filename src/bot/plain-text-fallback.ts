import type { types } from '@slack/bolt';
import { SlackBotError } from './bot-errors.js';

/**
 * Slack's `text` limit for a message: "For best results, limit the number of characters in the
 * text field to 4,000 characters" (chat.postMessage reference; longer text is truncated at
 * 40,000, and chat.update refuses it with msg_too_long). Counted in code points here so a cut
 * never splits an emoji.
 */
export const PLAIN_TEXT_LIMIT = 4_000; // characters

/**
 * Errors with which Slack refuses a message for its blocks or its length (chat.postMessage,
 * chat.update, chat.postEphemeral references; a response_url answers the same names with HTTP 400):
 * nothing was posted, and the same message as plain text may go through.
 */
export const BLOCK_REFUSAL_ERRORS: ReadonlySet<string> = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_blocks_too_long',
  'msg_too_long',
]);

/** Cuts `text` to PLAIN_TEXT_LIMIT characters, ending a cut text with a visible "…". */
export function boundText(text: string, limit = PLAIN_TEXT_LIMIT): string {
  const chars = Array.from(text);
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

/**
 * Whether a failed send should be sent again as plain text: Slack refused its blocks (or its
 * length) and a plain-text version differs from what was sent.
 */
export function refusedBlocks(err: unknown, sent: { text: string; blocks?: types.KnownBlock[] | undefined }): err is SlackBotError {
  if (!(err instanceof SlackBotError) || !BLOCK_REFUSAL_ERRORS.has(err.details.slackError ?? '')) return false;
  const hadBlocks = Array.isArray(sent.blocks) && sent.blocks.length > 0;
  return hadBlocks || boundText(sent.text) !== sent.text;
}
