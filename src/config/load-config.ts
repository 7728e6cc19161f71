import { readFile } from 'node:fs/promises';
import { parseConfig } from './parse-config.js';
import type { ConfigResult } from './types.js';

/** Where the config is read from when neither --config nor LIFEBOAT_CONFIG says. */
export const DEFAULT_CONFIG_PATH = './lifeboat.yaml';

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a parent of it is not a directory',
};

/** The config file path: `--config`, else LIFEBOAT_CONFIG, else ./lifeboat.yaml. */
export function resolveConfigPath(argvConfig: string | undefined, env: Record<string, string | undefined>): string {
  if (argvConfig) return argvConfig;
  const fromEnv = env.LIFEBOAT_CONFIG?.trim();
  return fromEnv ? fromEnv : DEFAULT_CONFIG_PATH;
}

/** Reads and validates the config file; an unreadable file is one line: `config: cannot read <path>: <reason>`. */
export async function loadConfig(options: { path: string; env: Record<string, string | undefined> }): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(options.path, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const reason = (code && READ_ERRORS[code]) ?? message;
    return { ok: false, errors: [`config: cannot read ${options.path}: ${reason}`] };
  }
  return parseConfig(text, options.env);
}
