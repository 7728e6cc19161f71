import { closestMatch } from '../config/closest-match.js';
import { takeWords } from './command-text.js';
import { quoteInput } from './slack-text.js';

/** `dryRun`: `--dry-run` was given (a Multi-AZ failover drill then shows its plan and stops). */
export type DrillCommand = { kind: 'drill'; drill: string; dryRun?: true } | { kind: 'drills' };

type Parsed = { ok: true; command: DrillCommand } | { ok: false; error: string };

/** `/dr drill <name> [--dry-run]`: one configured drill's name, and nothing else after it but `--dry-run`. */
export function parseDrill(text: string, command: string, drills: readonly string[]): Parsed {
  const { words, rest } = takeWords(text, 1);
  const name = words[0];
  const known = drills.length > 0 ? `drills: ${drills.join(', ')}` : 'no drills are configured (add one under `drills:` in the config)';
  if (name === undefined) return { ok: false, error: `Name the drill to run (${known}).` };
  const dryRun = rest === '--dry-run';
  if (rest.length > 0 && !dryRun)
    return { ok: false, error: `\`${command} drill\` takes one drill name (and --dry-run); remove ${quoteInput(rest)}.` };
  if (!drills.includes(name)) {
    const guess = closestMatch(name, drills);
    return { ok: false, error: `There is no drill ${quoteInput(name)}${guess ? ` (did you mean \`${guess}\`?)` : ''}; ${known}.` };
  }
  return { ok: true, command: { kind: 'drill', drill: name, ...(dryRun && { dryRun: true as const }) } };
}
