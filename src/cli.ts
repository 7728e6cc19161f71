import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { configJsonSchema } from './config/config-json-schema.js';
import { loadConfig, resolveConfigPath } from './config/load-config.js';
import { collectGarbageNow } from './observability/full-gc.js';

const USAGE = `usage: lifeboat <command> [--config FILE]

commands:
  start          run the service: HTTP server, monitor, Slack bot
  check-config   validate a config file; exit 0 when valid, else 1 with one line per problem
  schema         print the config file's JSON Schema (for editors: deploy/lifeboat.schema.json)

The config file is --config FILE, else $LIFEBOAT_CONFIG, else ./lifeboat.yaml.`;

interface ParsedArgs {
  command: string | undefined;
  configPath: string | undefined;
  problems: string[];
}

/** Parses `lifeboat <command> [--config FILE]`. */
export function parseArgs(argv: string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: undefined, configPath: undefined, problems: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--config' || arg === '-c') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) parsed.problems.push(`${arg} needs a file path`);
      else parsed.configPath = value;
      i += 1;
    } else if (arg.startsWith('--config=')) {
      parsed.configPath = arg.slice('--config='.length);
    } else if (arg === '--help' || arg === '-h') {
      parsed.command = 'help';
    } else if (arg.startsWith('-')) {
      parsed.problems.push(`unknown option ${arg}`);
    } else if (parsed.command === undefined) {
      parsed.command = arg;
    } else {
      parsed.problems.push(`unexpected argument ${arg}`);
    }
  }
  return parsed;
}

/** Runs the CLI; resolves with the exit code (for `start`, once the service has stopped). */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv);
  if (args.problems.length > 0) {
    for (const problem of args.problems) process.stderr.write(`lifeboat: ${problem}\n`);
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (args.command === undefined || args.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return args.command === 'help' ? 0 : 2;
  }
  if (args.command === 'schema') {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (args.command !== 'start' && args.command !== 'check-config') {
    process.stderr.write(`lifeboat: unknown command "${args.command}"\n${USAGE}\n`);
    return 2;
  }

  const path = resolveConfigPath(args.configPath, env);
  const result = await loadConfig({ path, env });
  if (!result.ok) {
    // Exactly one `path.to.field: what is wrong` line per problem (SPEC §1), nothing else.
    for (const line of result.errors) process.stderr.write(`${line}\n`);
    return 1;
  }
  if (args.command === 'check-config') {
    const { config } = result;
    process.stdout.write(
      `${path}: valid (${config.checks.length} checks, ${Object.keys(config.runbooks.failover).length} failover and ${Object.keys(config.runbooks.restore).length} restore runbooks)\n`,
    );
    return 0;
  }
  // The parse's garbage (most of start-up's peak with many checks) goes before the service's
  // modules and objects are added on top of it; see full-gc.ts.
  collectGarbageNow();
  // Loaded only to run: validating a file must not pay for importing the whole service.
  const { startService } = await import('./cli-start.js');
  return startService(result.config, path);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  // Exit explicitly: a client that failed to close must not keep a stopped service alive.
  process.exit(await main(process.argv.slice(2)));
}
