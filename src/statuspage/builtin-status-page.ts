import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { StatusPageStore } from './statuspage-store.js';
import type { PublishResult, StatusPage, StatusPageUpdate } from './status-page.js';
import { assertValidUpdate } from './validate-update.js';

export interface BuiltinStatusPageOptions {
  store: StatusPageStore;
  clock: Clock;
  logger: Logger;
  /** The components the page shows (see publicComponentNames); updates may name only these. */
  componentNames: readonly string[];
}

/** The built-in page's publisher: an update becomes public the moment it is in the store. */
export class BuiltinStatusPage implements StatusPage {
  readonly provider = 'builtin' as const;

  constructor(private readonly options: BuiltinStatusPageOptions) {}

  async publish(update: StatusPageUpdate): Promise<PublishResult> {
    const { store, clock, logger, componentNames } = this.options;
    assertValidUpdate(update, componentNames);
    const publishedAt = clock.now();
    const action = await store.recordPublished(update, publishedAt);
    logger.info(
      { incidentId: update.incidentId, status: update.status, components: update.components, action },
      `status page: ${action} ${update.incidentId} (${update.status})`,
    );
    return { provider: 'builtin', action, providerIncidentId: update.incidentId, publishedAt };
  }
}
