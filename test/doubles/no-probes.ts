import type { Probes } from '../../src/monitor/build-jobs.js';

/** Probes for an app whose test decides every result: a probe that runs anyway fails the test loudly. */
export const NO_PROBES: Probes = {
  http: async () => {
    throw new Error('the monitor was not meant to run a check in this test');
  },
  lagBatch: async () => new Map(),
  backup: async () => {
    throw new Error('no backup check here');
  },
};
