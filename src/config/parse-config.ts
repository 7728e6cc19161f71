import { parseDocument, type Document, type YAMLError } from 'yaml';
import { detachStrings } from './detach-strings.js';
import type { z } from 'zod';
import type { ConfigResult } from './types.js';
import { configErrorMap } from './config-error-map.js';
import { formatIssue, type ConfigIssue, type ConfigPath } from './config-issue.js';
import { configRules } from './config-rules.js';
import { readHookTokens } from './hook-tokens.js';
import { readDrillTokens } from './drill-tokens.js';
import { describeValue } from './describe-value.js';
import { ENV_VARIABLES, cleanEnv, envSchema, type EnvVariable } from './env-schema.js';
import { asRecord } from './raw-read.js';
import { configFileSchema } from './schema.js';
import { sourceOffset } from './source-offset.js';

export type { ConfigResult } from './types.js';

function fail(errors: string[]): ConfigResult {
  return { ok: false, errors };
}

/** `config: YAML syntax error at line 3, column 7: Map keys must be unique` */
function yamlErrorLine(error: YAMLError): string {
  const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const at = error.linePos?.[0];
  return `config: YAML syntax error${at ? ` at line ${at.line}, column ${at.col}` : ''}: ${reason}`;
}

/**
 * A union's failure, as the one form the value was written in: `dns` is a record or a list, and a
 * list's problems are reported, not "expected a map". Other unions keep their one-line wording.
 */
function unionIssues(issue: z.core.$ZodIssue): Array<{ path: PropertyKey[]; message: string }> {
  if (issue.code !== 'invalid_union' || !('errors' in issue)) return [issue];
  const shaped = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  const [only] = shaped;
  if (shaped.length !== 1 || !only) return [issue];
  return only.flatMap((inner) => unionIssues({ ...inner, path: [...issue.path, ...inner.path] }));
}

function issuesOf(error: z.ZodError | undefined, prefix: ConfigPath = []): ConfigIssue[] {
  return (error?.issues ?? []).flatMap(unionIssues).map((issue) => ({ path: [...prefix, ...issue.path], message: issue.message }));
}

/** Problems in file order, then the environment's in the order of ENV_VARIABLES. */
function inReadingOrder(doc: Document, issues: ConfigIssue[]): ConfigIssue[] {
  const rank = (issue: ConfigIssue): [number, number] =>
    issue.path[0] === 'env' ? [1, ENV_VARIABLES.indexOf(issue.path[1] as EnvVariable)] : [0, sourceOffset(doc, issue.path)];
  return issues
    .map((issue, index) => ({ issue, index, rank: rank(issue) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.index - b.index)
    .map(({ issue }) => issue);
}

/**
 * Parses and validates a config: the YAML text plus the environment (secrets, endpoints, port).
 * Pure. On failure, every problem found, one `path.to.field: what is wrong` line each.
 */
export function parseConfig(yamlText: string, env: Record<string, string | undefined>): ConfigResult {
  const doc = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
  const [syntaxError] = doc.errors;
  if (syntaxError) return fail([yamlErrorLine(syntaxError)]); // later errors are mostly echoes of the first

  let raw: unknown;
  try {
    raw = detachStrings(doc.toJS({ maxAliasCount: 100 }));
  } catch (error) {
    return fail([`config: YAML error: ${(error as Error).message}`]); // unresolved alias, alias bomb
  }
  if (raw === null || raw === undefined) {
    return fail(['config: the file is empty; expected sections such as server:, slack:, checks: (see examples/lifeboat.yaml)']);
  }
  const file = asRecord(raw);
  if (!file) {
    return fail([`config: expected a map of sections (server:, slack:, checks:, ...) at the top level, got ${describeValue(raw)}`]);
  }

  const cleaned = cleanEnv(env);
  const parsedFile = configFileSchema.safeParse(file, { error: configErrorMap });
  const parsedEnv = envSchema.safeParse(cleaned, { error: configErrorMap });
  const issues = [...issuesOf(parsedFile.error), ...issuesOf(parsedEnv.error, ['env']), ...configRules(file, cleaned)];
  if (issues.length > 0 || !parsedFile.success || !parsedEnv.success) {
    return fail([...new Set(inReadingOrder(doc, issues).map(formatIssue))]);
  }
  const { env: envConfig, port } = parsedEnv.data;
  const hookTokens = readHookTokens(parsedFile.data.runbooks, env);
  const drillTokens = readDrillTokens(parsedFile.data.drills, env);
  return {
    ok: true,
    config: {
      ...parsedFile.data,
      server: { port: port ?? parsedFile.data.server.port },
      env: {
        ...envConfig,
        ...(Object.keys(hookTokens).length > 0 && { hookTokens }),
        ...(Object.keys(drillTokens).length > 0 && { drillTokens }),
      },
    },
  };
}
