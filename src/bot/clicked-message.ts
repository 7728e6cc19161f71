import { nonEmptyString, recordOf } from './untyped-fields.js';

/** The message a button was on: its channel id and ts, as the block_actions payload names them. */
export interface ClickedMessage {
  channel: string;
  ts: string;
}

/**
 * Where a block_actions click happened, from the payload's `container` (`type: 'message'`,
 * `channel_id`, `message_ts`), else its `channel.id` and `message.ts`. Null for anything else
 * (a modal, an ephemeral message): Lifeboat's buttons live on messages it posted in a channel.
 */
export function clickedMessage(body: unknown): ClickedMessage | null {
  const payload = recordOf(body);
  const container = recordOf(payload?.container);
  if (container?.is_ephemeral === true) return null;
  if (container?.type === 'message') {
    const channel = nonEmptyString(container.channel_id);
    const ts = nonEmptyString(container.message_ts);
    if (channel && ts) return { channel, ts };
  }
  const channel = nonEmptyString(recordOf(payload?.channel)?.id);
  const ts = nonEmptyString(recordOf(payload?.message)?.ts);
  return channel && ts ? { channel, ts } : null;
}

/** True when the click was on exactly this stored message. */
export function isSameMessage(clicked: ClickedMessage | null, stored: { channel: string; ts: string } | null): boolean {
  return clicked !== null && stored !== null && clicked.channel === stored.channel && clicked.ts === stored.ts;
}
