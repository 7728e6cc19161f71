import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { Silences } from '../noise/silences.js';
import { silenceLine } from './blocks/incident-message.js';
import { silencesList } from './blocks/silences-list.js';
import type { BotMessage } from './bot-ports.js';
import type { ParsedCommand } from './parse-command.js';
import type { Requester } from './requester.js';
import { escapeMrkdwn } from './slack-text.js';
import { slackDate } from '../core/format-time.js';
import { shortenVisibly } from './blocks/fit-list.js';
import { SILENCE_REASON_CHARS } from './blocks/silence-marker.js';

type SilenceCommand = Extract<ParsedCommand, { kind: 'silence' | 'silences' | 'unsilence' }>;

/** `/dr silence`, `/dr silences` and `/dr unsilence` (SPEC §5, §9); permission was checked by the caller. */
export async function silenceCommand(
  command: SilenceCommand,
  requester: Requester,
  deps: { silences: Silences | undefined; clock: Clock; logger: Logger },
): Promise<BotMessage> {
  const { silences, clock, logger } = deps;
  if (!silences) return { text: 'Silences are not available in this deployment.' };
  switch (command.kind) {
    case 'silences':
      return silencesList(await silences.current(), clock.now());
    case 'silence': {
      const outcome = await silences.silence(command.checkId, command.durationMs, command.reason, requester.userId);
      if (!outcome.ok) return { text: outcome.message };
      logger.info(
        { userId: requester.userId, checkId: command.checkId, until: outcome.silence.until },
        `${command.checkId} silenced until ${new Date(outcome.silence.until).toISOString()} by ${requester.userId}`,
      );
      return { text: `\`${escapeMrkdwn(command.checkId)}\`: ${silenceLine(outcome.silence)}.` };
    }
    case 'unsilence': {
      const outcome = await silences.unsilence(command.checkId, requester.userId);
      if (!outcome.ok) return { text: outcome.message };
      const windows = outcome.ended.filter((s) => s.source === 'maintenance');
      logger.info(
        { userId: requester.userId, checkId: command.checkId, windowsEnded: windows.map((w) => ({ since: w.since, until: w.until })) },
        `${command.checkId} unsilenced by ${requester.userId}${windows.length > 0 ? `, ending ${windows.length} maintenance window(s) early for it` : ''}`,
      );
      const windowWords = windows.map(
        (w) =>
          ` Its maintenance window until ${slackDate(w.until)} (${shortenVisibly(escapeMrkdwn(w.reason), SILENCE_REASON_CHARS)}) is ended early, for this check only.`,
      );
      return {
        text: `\`${escapeMrkdwn(command.checkId)}\` is no longer silenced.${windowWords.join('')} An incident of it still open is announced and paged by policy within seconds.`,
      };
    }
  }
}
