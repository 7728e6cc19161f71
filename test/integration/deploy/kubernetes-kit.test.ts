import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { buildApp, type App } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ORDERS_RESTORE, yamlFlow } from '../../doubles/runbook-fixtures.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

type K8sObject = {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
};

/** Renders a kustomization exactly as `kubectl apply -k` would, with the kustomize inside kubectl. */
function render(dir: string): K8sObject[] {
  const result = spawnSync('kubectl', ['kustomize', `${ROOT}deploy/k8s/${dir}`], { encoding: 'utf8' });
  if (result.error) throw new Error(`kubectl is needed to render the Kubernetes kit (${result.error.message}); see README.md, Development`);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as K8sObject);
}

function one(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0] as K8sObject;
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** What a cluster's Secret provides; compose runs local mode with Redis only. */
const CLUSTER_ENV = { SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 's', STATUSPAGE_API_KEY: 'k', REDIS_URL: 'redis://r:6379' };

function expectValidConfig(yamlText: string, env: Record<string, string> = CLUSTER_ENV): void {
  const result = parseConfig(yamlText, env);
  expect(result.ok ? [] : result.errors).toEqual([]);
}

describe.each(['base', 'overlays/with-redis', 'overlays/production'])('the Kubernetes kit, %s', (dir) => {
  const objects = render(dir);
  const deployment = one(objects, 'Deployment', 'lifeboat');
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0];

  it('runs two replicas, non-root on a read-only root filesystem, with probes and a memory limit', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.resources.limits.memory).toMatch(/Mi$/);
    // V8's heap cap leaves room below the limit for the young generation, code and buffers
    // (~60-90 MiB at 20,000 checks in the service bench), so V8 collects before the pod is killed.
    const limitMi = Number.parseInt(container.resources.limits.memory, 10);
    const nodeOptions = (container.env as Array<{ name: string; value: string }>).find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
    const heapCapMi = Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1]);
    expect(heapCapMi).toBeGreaterThan(0);
    expect(limitMi - heapCapMi).toBeGreaterThanOrEqual(192);
    expect(Number.parseInt(container.resources.requests.memory, 10)).toBeLessThanOrEqual(limitMi);
    // SIGTERM drains within 10 s; the grace period must leave room for it.
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(10);
    expect(pod.spec.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual([
      'kubernetes.io/hostname',
      'topology.kubernetes.io/zone',
    ]);
    expect(container.envFrom).toEqual([{ secretRef: { name: 'lifeboat-secrets' } }]);
  });

  it('wires the selectors, the generated config and the service account together', () => {
    const podLabels = pod.metadata.labels as Record<string, string>;
    expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
    const service = one(objects, 'Service', 'lifeboat');
    expect(matches(service.spec.selector, podLabels)).toBe(true);
    const pdb = one(objects, 'PodDisruptionBudget', 'lifeboat');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    const monitor = one(objects, 'ServiceMonitor', 'lifeboat');
    expect(matches(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });

    const configMap = one(objects, 'ConfigMap');
    const volume = pod.spec.volumes.find((v: { name: string }) => v.name === 'config');
    expect(volume.configMap.name).toBe(configMap.metadata.name);
    expect(container.args).toEqual(['start', '--config', '/etc/lifeboat/lifeboat.yaml']);
    expectValidConfig(configMap.data?.['lifeboat.yaml'] ?? '');

    const account = one(objects, 'ServiceAccount', 'lifeboat');
    expect(pod.spec.serviceAccountName).toBe('lifeboat');
    expect(account.metadata.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });

  it('ships the same alerting rules as deploy/prometheus-rules.yaml', () => {
    const rule = one(objects, 'PrometheusRule', 'lifeboat');
    expect(rule.spec).toEqual(parseYaml(readFileSync(`${ROOT}deploy/prometheus-rules.yaml`, 'utf8')));
  });
});

describe('the with-redis overlay', () => {
  it('adds one Redis with AOF on a volume and points REDIS_URL at its Service', () => {
    const objects = render('overlays/with-redis');
    const redis = one(objects, 'StatefulSet', 'lifeboat-redis');
    const container = redis.spec.template.spec.containers[0];
    expect(container.args.join(' ')).toContain('--appendonly yes');
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(redis.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    const service = one(objects, 'Service', 'lifeboat-redis');
    expect(matches(service.spec.selector, redis.spec.template.metadata.labels)).toBe(true);
    const lifeboat = one(objects, 'Deployment', 'lifeboat').spec.template.spec.containers[0];
    expect(lifeboat.env).toContainEqual({ name: 'REDIS_URL', value: 'redis://lifeboat-redis:6379' });
    // The Lifeboat Service and PDB must not select the Redis pod.
    const podLabels = redis.spec.template.metadata.labels as Record<string, string>;
    expect(matches(one(objects, 'Service', 'lifeboat').spec.selector, podLabels)).toBe(false);
  });
});

describe('the production overlay', () => {
  it('pins the image, replaces the config and the AWS role', () => {
    const objects = render('overlays/production');
    const container = one(objects, 'Deployment', 'lifeboat').spec.template.spec.containers[0];
    expect(container.image).toMatch(/^[^:]+\/lifeboat:\d+\.\d+\.\d+$/);
    const config = one(objects, 'ConfigMap').data?.['lifeboat.yaml'] ?? '';
    expect(config).toBe(readFileSync(`${ROOT}deploy/k8s/overlays/production/lifeboat.yaml`, 'utf8'));
    expect(one(objects, 'ServiceAccount', 'lifeboat').metadata.annotations?.['eks.amazonaws.com/role-arn']).toContain(
      'lifeboat-production',
    );
  });
});

describe('alerting rules and the Grafana dashboard', () => {
  let app: App;
  let exported: Set<string>;
  beforeAll(async () => {
    // Slack, approvals, PagerDuty and a scheduled drill wired, so every metric family the service can export is there.
    const yaml = [
      'slack: { channel: C0INCIDENTS, operators: [U0AAA], approvers: [U0BBB] }',
      'checks: []',
      `runbooks: { restore: { orders: ${yamlFlow(ORDERS_RESTORE)} } }`,
      'drills: { weekly: { restore: orders, schedule: "0 3 * * 1" } }',
    ].join('\n');
    const result = parseConfig(yaml, {
      SLACK_BOT_TOKEN: 'xoxb-1-2',
      SLACK_SIGNING_SECRET: 'secret',
      PAGERDUTY_ROUTING_KEY: 'R0UTINGKEY',
    });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    app = buildApp({ config: result.config, logger: silentLogger() });
    const scrape = await app.server.inject({ method: 'GET', url: '/metrics' });
    exported = new Set(
      [...scrape.body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
        type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name as string],
      ),
    );
  });
  afterAll(async () => {
    await app.stop();
  });

  const metricsIn = (text: string) => new Set([...text.matchAll(/\blifeboat_[a-z_]+/g)].map(([name]) => name));

  it('the rules use only metrics the service exports', () => {
    const used = metricsIn(readFileSync(`${ROOT}deploy/prometheus-rules.yaml`, 'utf8'));
    expect(used.size).toBeGreaterThan(5);
    // The DR signals users run Lifeboat for, drills included (issue 14).
    for (const signal of [
      'lifeboat_runbook_ready',
      'lifeboat_drill_runs_total',
      'lifeboat_drill_last_success_timestamp_seconds',
      'lifeboat_drill_scheduled',
    ])
      expect(used).toContain(signal);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('the dashboard is importable as is (its own datasource variable) and uses only exported metrics', () => {
    const dashboard = JSON.parse(readFileSync(`${ROOT}deploy/grafana-dashboard.json`, 'utf8'));
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    const exprs: string[] = dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr));
    const used = metricsIn(exprs.join('\n'));
    for (const signal of [
      'lifeboat_check_up',
      'lifeboat_replication_lag_seconds',
      'lifeboat_backup_age_seconds',
      'lifeboat_incidents_open',
      'lifeboat_approvals_pending',
      'lifeboat_actions_total',
      'lifeboat_slack_ack_seconds_bucket',
      'lifeboat_pagerduty_events_total',
      'lifeboat_scheduling_lag_seconds_bucket',
      'lifeboat_drill_runs_total',
      'lifeboat_drill_last_success_timestamp_seconds',
      'lifeboat_drill_duration_seconds_sum',
    ]) {
      expect(used).toContain(signal);
    }
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('docker compose', () => {
  it('builds Lifeboat from the Dockerfile next to a Redis with AOF, with the example config mounted', () => {
    const compose = parseYaml(readFileSync(`${ROOT}deploy/docker-compose.yml`, 'utf8'));
    expect(compose.services.redis.command.join(' ')).toContain('--appendonly yes');
    const lifeboat = compose.services.lifeboat;
    expect(lifeboat.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
    expect(lifeboat.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(lifeboat.depends_on.redis.condition).toBe('service_healthy');
    const [source, target] = (lifeboat.volumes[0] as string).split(':');
    expect(target).toBe('/etc/lifeboat/lifeboat.yaml');
    expectValidConfig(readFileSync(new URL(`deploy/${source}`, `file://${ROOT}`), 'utf8'), { REDIS_URL: lifeboat.environment.REDIS_URL });
  });
});
