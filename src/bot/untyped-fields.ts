// Some Slack values arrive untyped: a global middleware's body (any kind of payload), a Web API
// call's result, a click's `container`. They are read field by field through these checks, never
// cast to the shape they should have.

/** True for any object (arrays included): its fields can be read, each still to be checked. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `value` when it is an object, else undefined: for reading a nested field in one chain. */
export function recordOf(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

/** `value` when it is a non-empty string: Slack sends "" for ids it does not have. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
