import { normalizeCommandText, takeWords } from './command-text.js';
import { READ_ONLY_SUBCOMMANDS } from './command-usage.js';
import { resolveSubcommand } from './parse-command.js';

/**
 * True for a slash command payload whose subcommand only reads (READ_ONLY_SUBCOMMANDS;
 * empty text is help). Such a delivery may be answered even when the store cannot record it:
 * a retried read answered twice is harmless, and operators must not be blind while Redis is down.
 */
export function isReadOnlyCommand(body: Record<string, unknown>): boolean {
  if (typeof body.command !== 'string') return false;
  const normalized = normalizeCommandText(typeof body.text === 'string' ? body.text : '');
  if (!normalized.ok) return false;
  const word = takeWords(normalized.text, 1).words[0];
  if (word === undefined) return true;
  const subcommand = resolveSubcommand(word);
  return subcommand !== null && READ_ONLY_SUBCOMMANDS.has(subcommand);
}
