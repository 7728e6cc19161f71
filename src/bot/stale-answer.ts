import { formatAge } from '../core/format-time.js';
import type { BotMessage } from './bot-ports.js';

/** The first line of an answer built from this replica's memory while the store is unreachable. */
export function staleNotice(ageMs: number): string {
  return `Redis is unreachable: this is what this replica last read ${formatAge(ageMs)} ago.`;
}

/** `answer` (rendered from remembered data) marked stale with its age, in its text and first block. */
export function staleAnswer(answer: BotMessage, ageMs: number): BotMessage {
  const notice = staleNotice(ageMs);
  return {
    text: `${notice} ${answer.text}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${notice}` } }, ...(answer.blocks ?? [])],
  };
}

/** The answer when the store is unreachable and this replica never read what was asked. */
export function nothingRemembered(command: string): string {
  return `Redis is unreachable, and this replica has not read \`${command}\` since it started, so it has nothing to show. Try again in a minute; if it persists, check the Lifeboat service.`;
}
