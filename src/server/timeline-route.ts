import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { parseIncidentId } from '../bot/parse-incident-id.js';
import type { Logger } from '../observability/logger.js';
import { MIN_API_TOKEN_CHARS } from '../config/env-schema.js';

export interface TimelineRouteDeps {
  /** LIFEBOAT_API_TOKEN. */
  token: string;
  /** The incident's timeline as Markdown; null when there is no such incident. */
  markdown: (incidentId: string) => Promise<string | null>;
  logger: Logger;
}

/**
 * `GET /incidents/<id>/timeline.md` (SPEC §4, §11): the postmortem timeline for operators'
 * tooling, behind `Authorization: Bearer <LIFEBOAT_API_TOKEN>`. Registered only when the token is
 * set, so without it the route does not exist (404). A missing or wrong token gets 401 with
 * `WWW-Authenticate: Bearer` (RFC 6750 §3) and reads nothing. A short token works, with a warning.
 */
export function timelineRoutes(deps: TimelineRouteDeps): FastifyPluginAsync {
  if (deps.token.length < MIN_API_TOKEN_CHARS) {
    // The length only, never the token: the log must not help anyone guess it.
    deps.logger.warn(
      { tokenChars: deps.token.length, minChars: MIN_API_TOKEN_CHARS },
      `LIFEBOAT_API_TOKEN is shorter than ${MIN_API_TOKEN_CHARS} characters: a short token can be guessed, and it opens every incident's timeline. ` +
        'Use a random secret, e.g. `openssl rand -hex 32`',
    );
  }
  const expected = digest(deps.token);
  return async (app) => {
    app.get<{ Params: { id: string } }>('/incidents/:id/timeline.md', async (request, reply) => {
      const presented = bearerToken(request.headers.authorization);
      // Digests have one length, so timingSafeEqual compares in constant time whatever was sent.
      if (presented === null || !timingSafeEqual(digest(presented), expected)) {
        deps.logger.warn({ ip: request.ip, route: 'timeline.md' }, 'refused a timeline request without the right bearer token');
        return reply.code(401).header('www-authenticate', 'Bearer realm="lifeboat"').send({ error: 'a valid bearer token is required' });
      }
      const incidentId = parseIncidentId(request.params.id);
      if (incidentId === null) return reply.code(404).send({ error: `"${request.params.id.slice(0, 40)}" is not an incident id (INC-42)` });
      const markdown = await deps.markdown(incidentId);
      if (markdown === null) return reply.code(404).send({ error: `there is no incident ${incidentId}` });
      return reply.type('text/markdown; charset=utf-8').send(markdown);
    });
  };
}

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1); null otherwise. */
function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
