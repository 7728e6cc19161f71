import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CONFIG_SCHEMA_PATH, configJsonSchema } from '../../../src/config/config-json-schema.js';
import { parseConfig } from '../../../src/config/parse-config.js';

const ROOT = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

const ajv = new Ajv2020({ allErrors: true });
const validate = ajv.compile(configJsonSchema());

/** Every config file the project ships, with the environment it runs with. */
const SHIPPED = [
  ...readdirSync(new URL('examples/', ROOT))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `examples/${f}`),
  'deploy/k8s/base/lifeboat.yaml',
  'deploy/k8s/overlays/production/lifeboat.yaml',
];
const ENV = { SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 's', STATUSPAGE_API_KEY: 'k' };
/** Local mode runs with no credentials at all. */
const envFor = (path: string) => (path === 'examples/lifeboat.yaml' ? {} : ENV);

describe('the config JSON Schema', () => {
  it(`is generated from the zod schema and ${CONFIG_SCHEMA_PATH} is up to date (npm run schema)`, () => {
    expect(JSON.parse(read(CONFIG_SCHEMA_PATH))).toEqual(configJsonSchema());
  });

  it('describes fields and shows duration defaults as people write them', () => {
    const slack = (configJsonSchema().properties as Record<string, any>).slack;
    expect(slack.description).toMatch(/Slack bot/);
    expect(slack.properties.approvalTtl).toMatchObject({ type: 'string', default: '15m', pattern: expect.any(String) });
    expect(slack.properties.approvals).toMatchObject({ type: 'integer', default: 1, minimum: 1 });
    expect(slack.additionalProperties).toBe(false);
  });

  it.each(SHIPPED)('accepts %s, which also carries the yaml-language-server line', (path) => {
    const text = read(path);
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=(\.\.\/)+(deploy\/)?lifeboat\.schema\.json$/);
    const ok = validate(parseYaml(text));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(parseConfig(text, envFor(path)).ok).toBe(true);
  });

  it.each([
    ['a misspelt field', 'slack: { chanel: C0INCIDENTS }\n'],
    ['a duration without a unit', 'slack: { approvalTtl: "15" }\n'],
    ['a severity that does not exist', 'pagerduty: { pageAt: SEV9 }\n'],
    ['an upper-case check id', 'checks: [{ id: API, type: http, url: "https://a.example/health" }]\n'],
    ['an unknown check type', 'checks: [{ id: api, type: ping, url: "https://a.example/health" }]\n'],
    ['a port out of range', 'server: { port: 70000 }\n'],
    ['a secret in the file', 'slack: { channel: C0INCIDENTS, token: xoxb-1 }\n'],
  ])('rejects %s, as check-config does', (_name, yamlText) => {
    expect(validate(parseYaml(yamlText))).toBe(false);
    expect(parseConfig(yamlText, {}).ok).toBe(false);
  });
});
