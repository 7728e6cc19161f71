import nock from 'nock';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { Config } from '../../../src/config/types.js';

/** STATUSPAGE_API_URL in these tests: not the default, to prove the override is honoured. */
export const API_URL = 'https://statuspage.example.test/v1';
export const API_KEY = 'sp-test-key-4f9a1c2e7b';
export const PAGE_ID = 'kctbh9vrtdwd';
export const COMPONENT_IDS = { api: '8kbf7d35c070', web: 'vtnh60py4yd7' } as const;

/** An atlassian config with two components; `checks` speak for them. */
export function atlassianConfig(env: Record<string, string> = {}): Config {
  const result = parseConfig(
    `
statuspage:
  provider: atlassian
  pageId: ${PAGE_ID}
  components: { api: ${COMPONENT_IDS.api}, web: ${COMPONENT_IDS.web} }
checks:
  - { id: api, type: http, url: "https://api.example.com/health", every: 15s, severity: SEV1, component: api }
  - { id: web, type: http, url: "https://www.example.com/", every: 15s, severity: SEV2, component: web }
`,
    { STATUSPAGE_API_KEY: API_KEY, STATUSPAGE_API_URL: API_URL, ...env },
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

/** A Statuspage incident answer (the fields the API returns that we read, plus a few it also sends). */
export function incidentAnswer(id: string, status = 'investigating') {
  return { id, page_id: PAGE_ID, status, shortlink: `https://stspg.io/${id}`, impact: 'major', incident_updates: [] };
}

const scope = () => nock(API_URL, { reqheaders: { authorization: `OAuth ${API_KEY}`, 'content-type': 'application/json' } });

/** POST /pages/{page_id}/incidents with exactly `body`. */
export function nockCreateIncident(body: nock.RequestBodyMatcher) {
  return scope().post(`/pages/${PAGE_ID}/incidents`, body);
}

/** PATCH /pages/{page_id}/incidents/{incident_id} with exactly `body`. */
export function nockUpdateIncident(incidentId: string, body: nock.RequestBodyMatcher) {
  return scope().patch(`/pages/${PAGE_ID}/incidents/${incidentId}`, body);
}

/** Requests nock saw that no interceptor matched; tests assert it stays empty. */
export function trackUnmatched(): { unmatched: string[]; stop(): void } {
  const unmatched: string[] = [];
  const listener = (req: { method?: string; path?: string; href?: string }) => {
    unmatched.push(`${req.method ?? '?'} ${req.href ?? req.path ?? '?'}`);
  };
  nock.emitter.on('no match', listener);
  return { unmatched, stop: () => nock.emitter.removeListener('no match', listener) };
}
