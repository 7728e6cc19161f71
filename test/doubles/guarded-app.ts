import nock from 'nock';
import { afterAll, afterEach, expect } from 'vitest';
import type { App } from '../../src/app.js';
import { guardNetwork } from './slack-api-nock.js';

/**
 * For a test file that runs the service (buildApp) against HTTP answered by nock: after each test
 * the app it started is stopped, no request went unanswered and (unless told otherwise) every
 * answer set up was used; after the file, the network is open again.
 */
export function useGuardedApp(options: { allowUnusedAnswers?: boolean } = {}): { track(app: App): App } {
  const network = guardNetwork();
  let running: App | null = null;
  afterEach(async () => {
    await running?.stop();
    running = null;
    expect(network.unmatched).toEqual([]);
    if (!options.allowUnusedAnswers) expect(nock.pendingMocks()).toEqual([]);
    network.reset();
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
  return {
    track(app) {
      running = app;
      return app;
    },
  };
}
