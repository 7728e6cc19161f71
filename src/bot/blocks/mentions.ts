import type { Severity } from '../../core/severity.js';
import { escapeMrkdwn } from '../slack-text.js';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** `<@U123>` for a Slack user id; anything else is shown as escaped text, never as markup. */
export function userMention(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** `<#C123>` for a channel id; anything else as escaped text. */
export function channelMention(channelId: string): string {
  return CHANNEL_ID.test(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  SEV1: ':red_circle:',
  SEV2: ':large_orange_circle:',
  SEV3: ':large_yellow_circle:',
  SEV4: ':large_blue_circle:',
};

/** The colour dot for a severity. */
export function severityEmoji(severity: Severity): string {
  return SEVERITY_EMOJI[severity];
}

/** Slack caps a section's text at 3000 characters; longer text is cut with a marker. */
export const MAX_SECTION_TEXT = 3000;

/** Cuts text to fit a section, on a line boundary when there is one. */
export function fitSection(text: string, limit = MAX_SECTION_TEXT): string {
  if (text.length <= limit) return text;
  const marker = '\n…';
  const cut = text.slice(0, limit - marker.length);
  const lastLine = cut.lastIndexOf('\n');
  return `${lastLine > limit / 2 ? cut.slice(0, lastLine) : cut}${marker}`;
}
