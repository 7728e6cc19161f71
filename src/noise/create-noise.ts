import type { Backend } from '../backend/create-backend.js';
import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { NoiseGate } from './noise-gate.js';
import { NoiseSweeper } from './noise-sweeper.js';
import { silenceableCheckIds } from './silenceable-checks.js';
import { Silences } from './silences.js';

/** How often the leader looks for ended silences and due reminders when not told otherwise. */
export const DEFAULT_NOISE_SWEEP_MS = 2_000; // 2 seconds

/** Noise control (SPEC §9): the silences, the gate every announcement passes, the leader's sweep. */
export interface NoiseParts {
  silences: Silences;
  gate: NoiseGate;
  sweeper: NoiseSweeper;
}

export function createNoise(deps: {
  config: Config;
  backend: Backend;
  clock: Clock;
  logger: Logger;
  sweepIntervalMs?: number;
}): NoiseParts {
  const { config, backend, clock } = deps;
  const logger = deps.logger.child({ component: 'noise' });
  const remindEveryMs = new Map(config.checks.flatMap((c) => (c.remindEveryMs !== undefined ? [[c.id, c.remindEveryMs] as const] : [])));
  const silences = new Silences({
    store: backend.silences,
    clock,
    checkIds: silenceableCheckIds(config),
    maintenance: config.maintenance ?? [],
  });
  const gate = new NoiseGate({ silences, store: backend.silences, clock, logger, remindEveryMs, incidents: backend.store });
  silences.onSilenced(gate.silenced);
  const sweeper = new NoiseSweeper({
    gate,
    silences,
    store: backend.silences,
    incidents: backend.store,
    clock,
    logger,
    remindEveryMs,
    intervalMs: deps.sweepIntervalMs ?? DEFAULT_NOISE_SWEEP_MS,
  });
  return { silences, gate, sweeper };
}
