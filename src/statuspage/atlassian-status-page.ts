import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { StatuspageClient, StatuspageIncidentFields } from './statuspage-client.js';
import { StatusPageError } from './statuspage-error.js';
import type { StatusPageStore } from './statuspage-store.js';
import type { PublishResult, StatusPage, StatusPageUpdate } from './status-page.js';
import { assertValidUpdate } from './validate-update.js';

/**
 * Held while one incident's post is in flight, rate-limit retries included (5 attempts, waits
 * of at most 1 minute, 10 s per request): longer than any publish, so a lock only outlives its
 * publish when the process died.
 */
export const PUBLISH_LOCK_TTL_MS = 5 * 60_000; // 5 minutes
/** How long a publish waits for another publish of the same incident before giving up. */
export const PUBLISH_LOCK_WAIT_MS = 90_000; // 90 seconds
const PUBLISH_LOCK_POLL_MS = 250;

export interface AtlassianStatusPageOptions {
  client: StatuspageClient;
  store: StatusPageStore;
  clock: Clock;
  logger: Logger;
  /** `statuspage.components`: component name -> Statuspage component id. */
  componentIds: Readonly<Record<string, string>>;
  /** Waits while another publish holds the incident's lock; injected so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
  lockTtlMs?: number;
  lockWaitMs?: number;
}

/** The readiness view of the Statuspage key: null while no refusal is known. */
export interface AuthFailure {
  /** Epoch ms of the first refusal in this run of refusals. */
  since: number;
  error: StatusPageError;
}

/**
 * Publishes to Atlassian Statuspage: the first post for a Lifeboat incident creates a Statuspage
 * incident, later posts update that same one (its id kept in the store). Posts for one incident
 * are serialised by a lock in the store, so two replicas cannot both create it.
 */
export class AtlassianStatusPage implements StatusPage {
  readonly provider = 'atlassian' as const;
  private authFailure: AuthFailure | null = null;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly authFailureListeners = new Set<(error: StatusPageError) => void>();

  constructor(private readonly options: AtlassianStatusPageOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Called once when Statuspage starts refusing the key (not again until a publish succeeds). */
  onAuthFailure(listener: (error: StatusPageError) => void): () => void {
    this.authFailureListeners.add(listener);
    return () => this.authFailureListeners.delete(listener);
  }

  /** The current key refusal, for /readyz; null when the key was not refused (or works again). */
  currentAuthFailure(): AuthFailure | null {
    return this.authFailure;
  }

  async publish(update: StatusPageUpdate): Promise<PublishResult> {
    const { store, client, clock, logger, componentIds } = this.options;
    assertValidUpdate(update, Object.keys(componentIds));
    const fields = statuspageIncidentFields(update, componentIds);

    const holder = `${process.pid}:${randomBytes(6).toString('hex')}`;
    await this.acquireLock(update.incidentId, holder);
    try {
      const existing = await store.getProviderIncidentId(update.incidentId);
      const answer = existing ? await client.updateIncident(existing, fields) : await client.createIncident(fields);
      if (!existing) await this.saveProviderId(update.incidentId, answer.id);
      this.authSucceeded();
      const action = existing ? 'updated' : 'created';
      logger.info(
        { incidentId: update.incidentId, statuspageIncidentId: answer.id, status: update.status, action },
        `Statuspage: ${action} incident ${answer.id} for ${update.incidentId} (${update.status})`,
      );
      return {
        provider: 'atlassian',
        action,
        providerIncidentId: answer.id,
        publishedAt: clock.now(),
        ...(answer.shortlink !== undefined && { url: answer.shortlink }),
      };
    } catch (err) {
      if (err instanceof StatusPageError) this.noteFailure(err, update.incidentId);
      throw err;
    } finally {
      await store.releasePublishLock(update.incidentId, holder).catch((err: unknown) => {
        // The lock expires on its own; a failed release only delays the next publish.
        logger.warn({ err, incidentId: update.incidentId }, 'could not release the status-page publish lock');
      });
    }
  }

  /**
   * The incident is public by now, so a store failure here must not fail the publish (a retry
   * would open a second public incident); it is logged with what to restore instead.
   */
  private async saveProviderId(incidentId: string, providerIncidentId: string): Promise<void> {
    try {
      await this.options.store.saveProviderIncidentId(incidentId, providerIncidentId);
    } catch (err) {
      this.options.logger.error(
        { err, incidentId, statuspageIncidentId: providerIncidentId },
        `published ${incidentId} as Statuspage incident ${providerIncidentId} but could not store that id; ` +
          'the next update for it would open a second Statuspage incident. Check the store (REDIS_URL)',
      );
    }
  }

  private async acquireLock(incidentId: string, holder: string): Promise<void> {
    const { store } = this.options;
    const ttlMs = this.options.lockTtlMs ?? PUBLISH_LOCK_TTL_MS;
    const waitMs = this.options.lockWaitMs ?? PUBLISH_LOCK_WAIT_MS;
    for (let waited = 0; ; waited += PUBLISH_LOCK_POLL_MS) {
      if (await store.acquirePublishLock(incidentId, holder, ttlMs)) return;
      if (waited >= waitMs) {
        throw new StatusPageError(
          'LIFEBOAT_STATUSPAGE_BUSY',
          `another status-page publish for ${incidentId} held its lock for over ${waitMs} ms`,
          {
            userMessage: `Another status-page update for ${incidentId} is still being published. Try again in a few minutes.`,
            hint: 'a publish is slow (rate limits) or a replica died holding the lock; it expires on its own',
          },
        );
      }
      await this.sleep(PUBLISH_LOCK_POLL_MS);
    }
  }

  private noteFailure(error: StatusPageError, incidentId: string): void {
    const { logger, clock } = this.options;
    if (error.code !== 'LIFEBOAT_STATUSPAGE_UNAUTHORIZED') {
      logger.error({ code: error.code, incidentId, hint: error.hint }, error.message);
      return;
    }
    // Reported once per run of refusals: every approved post still tries once (a key's rights
    // can be restored on Statuspage's side), but the log and Slack hear about it only once.
    if (this.authFailure) return;
    this.authFailure = { since: clock.now(), error };
    logger.error({ code: error.code, incidentId, hint: error.hint }, `${error.message}; ${error.hint ?? ''}`);
    for (const listener of this.authFailureListeners) {
      try {
        listener(error);
      } catch (err) {
        logger.error({ err }, 'Statuspage auth-failure listener failed');
      }
    }
  }

  private authSucceeded(): void {
    if (!this.authFailure) return;
    this.authFailure = null;
    this.options.logger.info('Statuspage accepts the API key again');
  }
}

/**
 * The `incident` fields for a create or update: Statuspage API v1 names `name`, `status`,
 * `body`, `impact_override`, `component_ids` ("List of component_ids affected by this incident")
 * and `components` ("Map of status changes to apply to affected components", component id ->
 * status). Component fields are left out when the update names none, so an update never
 * clears the incident's affected components.
 */
export function statuspageIncidentFields(
  update: StatusPageUpdate,
  componentIds: Readonly<Record<string, string>>,
): StatuspageIncidentFields {
  const fields: StatuspageIncidentFields = { name: update.title, status: update.status, body: update.message };
  if (update.impact !== undefined) fields.impact_override = update.impact;
  const entries = Object.entries(update.components).flatMap(([name, status]) => {
    const id = componentIds[name];
    return id === undefined ? [] : [[id, status] as const];
  });
  if (entries.length > 0) {
    fields.component_ids = entries.map(([id]) => id);
    fields.components = Object.fromEntries(entries);
  }
  return fields;
}
