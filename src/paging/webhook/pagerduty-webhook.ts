import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { pagerDutyActor } from '../../core/pagerduty-actor.js';
import type { HumanActionOutcome } from '../../incidents/incident-engine.js';
import type { Logger } from '../../observability/logger.js';
import type { PagingMetrics, WebhookOutcome } from '../../observability/metrics.js';
import { incidentIdOfKey } from '../dedup-key.js';
import { readWebhookEvent, type PagerDutyWebhookEvent } from './pagerduty-webhook-event.js';
import { verifyPagerDutySignature } from './verify-pagerduty-signature.js';

/** The incident changes a webhook may make, as the engine offers them to Slack. */
export interface WebhookIncidentActions {
  acknowledge(incidentId: string, actor: string): Promise<HumanActionOutcome>;
  resolve(incidentId: string, actor: string, note?: string): Promise<HumanActionOutcome>;
}

export interface PagerDutyWebhookOptions {
  secret: string;
  /** `pagerduty.dedupPrefix`: keys without it belong to another deployment. */
  dedupPrefix?: string;
  incidents: WebhookIncidentActions;
  logger: Logger;
  metrics: PagingMetrics;
}

/** PagerDuty's webhooks are small JSON documents; nothing legitimate comes near this. */
const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

/** Shown for a change PagerDuty reports without a person ("A null value might indicate ... automation"). */
const AUTOMATION = 'automation';

const ACTIONS: Record<string, 'acknowledge' | 'resolve'> = {
  'incident.acknowledged': 'acknowledge',
  'incident.resolved': 'resolve',
};

/**
 * `POST /pagerduty/webhook`: PagerDuty V3 webhooks. The signature is verified on the raw bytes
 * before anything else (a bad one is 401 and changes nothing); then `incident.acknowledged` and
 * `incident.resolved` act on the Lifeboat incident their `incident_key` names, as a person in
 * Slack would, recorded as done in PagerDuty by the agent, so the pager does not echo them back.
 * Every other event, and every key that is not ours, is answered 200 and ignored (logged): a
 * non-2xx answer would only make PagerDuty retry it. Encapsulated: its raw-body parser stays here.
 */
export function pagerDutyWebhookRoutes(options: PagerDutyWebhookOptions): FastifyPluginAsync {
  const logger = options.logger.child({ component: 'pagerduty-webhook' });
  const count = (outcome: WebhookOutcome) => options.metrics.webhooks.inc({ outcome });
  return async (fastify) => {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, (_request, body, done) => {
      done(null, body);
    });
    fastify.post('/pagerduty/webhook', async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers['x-pagerduty-signature'];
      if (!verifyPagerDutySignature(options.secret, typeof header === 'string' ? header : undefined, raw)) {
        count('unauthorized');
        logger.warn({ ip: request.ip, signed: header !== undefined }, 'PagerDuty webhook refused: no valid X-PagerDuty-Signature');
        return reply.code(401).send({ error: 'invalid_signature' });
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = null;
      }
      const event = readWebhookEvent(body);
      if (!event) {
        count('malformed');
        logger.warn('signed PagerDuty webhook is not a V3 event; ignored');
        return reply.code(400).send({ error: 'not_a_v3_webhook_event' });
      }
      try {
        return await apply(event, reply);
      } catch (err) {
        // The store did not answer: a non-2xx answer makes PagerDuty deliver it again later.
        logger.error(
          { err, webhookEvent: event.id, eventType: event.type },
          'PagerDuty webhook could not be applied; PagerDuty will retry it',
        );
        return reply.code(503).send({ error: 'store_unavailable' });
      }
    });
  };

  async function apply(event: PagerDutyWebhookEvent, reply: FastifyReply): Promise<FastifyReply> {
    const log = logger.child({ webhookEvent: event.id, eventType: event.type, incidentKey: event.incidentKey });
    const action = ACTIONS[event.type];
    if (!action) {
      count('ignored');
      log.debug('PagerDuty webhook event type is not one Lifeboat acts on; ignored');
      return reply.code(200).send({ ok: true, applied: false });
    }
    const incidentId = event.incidentKey ? incidentIdOfKey(event.incidentKey, options.dedupPrefix) : null;
    if (!incidentId) {
      count('ignored');
      log.info({ incidentUrl: event.incidentUrl }, 'PagerDuty incident is not one of this deployment; ignored');
      return reply.code(200).send({ ok: true, applied: false });
    }
    const actor = pagerDutyActor(event.agentName ?? AUTOMATION);
    const outcome =
      action === 'acknowledge'
        ? await options.incidents.acknowledge(incidentId, actor)
        : await options.incidents.resolve(incidentId, actor);
    if (!outcome.ok) {
      // Already so (often our own acknowledge or resolve coming back), or unknown here: nothing to do.
      count('ignored');
      log.info({ incidentId, reason: outcome.reason }, `PagerDuty ${event.type} for ${incidentId} ignored: ${outcome.message}`);
      return reply.code(200).send({ ok: true, applied: false });
    }
    count('applied');
    log.info({ incidentId, by: event.agentName }, `${incidentId} ${action === 'acknowledge' ? 'acknowledged' : 'resolved'} in PagerDuty`);
    return reply.code(200).send({ ok: true, applied: true });
  }
}
