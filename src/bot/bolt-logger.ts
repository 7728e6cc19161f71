import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';

/**
 * Bolt and the Web API client log through this, into our pino logger (so their lines get the
 * same redaction). Their levels map one to one; setLevel/setName are accepted and ignored
 * because the level is ours to set (LOG_LEVEL).
 */
export function boltLogger(logger: Logger): SlackLogger {
  const text = (parts: unknown[]): string => parts.map((p) => (typeof p === 'string' ? p : safeJson(p))).join(' ');
  return {
    debug: (...parts: unknown[]) => logger.debug(text(parts)),
    info: (...parts: unknown[]) => logger.info(text(parts)),
    warn: (...parts: unknown[]) => logger.warn(text(parts)),
    error: (...parts: unknown[]) => logger.error(text(parts)),
    setLevel: () => undefined,
    getLevel: () => toSlackLevel(logger.level),
    setName: () => undefined,
  };
}

function toSlackLevel(level: string): LogLevel {
  if (level === 'debug' || level === 'trace') return LogLevel.DEBUG;
  if (level === 'warn') return LogLevel.WARN;
  if (level === 'error' || level === 'fatal' || level === 'silent') return LogLevel.ERROR;
  return LogLevel.INFO;
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
