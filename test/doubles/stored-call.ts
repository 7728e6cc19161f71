import type { PlannedCall } from '../../src/core/plan.js';

/**
 * A call as a stored plan may hold it. The store checks a plan's calls loosely, so what renders
 * or runs a plan must cope with any operation and with partial or foreign inputs: fixtures
 * that exercise that build their calls here.
 */
export type StoredCall = Omit<PlannedCall, 'service' | 'operation' | 'input'> & {
  service: string;
  operation: string;
  input: Record<string, unknown>;
};

/** `call` typed as the plan's union, which it deliberately does not (fully) match. */
export function storedCall(call: StoredCall): PlannedCall {
  return call as PlannedCall;
}
