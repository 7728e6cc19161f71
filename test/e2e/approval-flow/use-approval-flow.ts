import nock from 'nock';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { guardNetwork } from '../../doubles/slack-api-nock.js';
import type { ServiceFlow } from './approval-flow-harness.js';

/**
 * The hooks every approval-flow test file needs: a fresh flow per test from `start`, closed after
 * it, and a network guard that fails the test on any request nobody intercepted. Returns the
 * current test's flow; it is a stand-in that forwards to the flow `start` made for the running
 * test, so test bodies keep writing `flow.x` while each test still gets its own.
 */
export function useApprovalFlow<Flow extends ServiceFlow>(start: () => Promise<Flow>): Flow {
  const network = guardNetwork();
  let current: Flow | null = null;
  beforeEach(async () => {
    current = await start();
  });
  afterEach(async () => {
    await current?.close();
    current = null;
    expect(network.unmatched).toEqual([]);
    network.reset();
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
  return new Proxy({} as Flow, {
    get(_target, property) {
      if (!current) throw new Error('the approval flow is used outside a test');
      const value = Reflect.get(current, property, current) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}
