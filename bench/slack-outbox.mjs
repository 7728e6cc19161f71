// Slack outbox bench: the wired bot (createSlackBot: notifier, outbox in Redis, worker) against a
// fake Slack Web API on 127.0.0.1 that answers 429 (Retry-After) or 503 for the whole outage,
// then normally. 25 checks fail as the outage starts, escalate a third of the way in and
// de-escalate two thirds in (a message and two thread replies per incident, updated meanwhile).
// Prints posts lost, posts duplicated, calls made during the outage and the catch-up time:
// from Slack answering again to every incident showing its newest state with all its replies.
// `npm run bench -- slack-outbox [--outage 60s] [--mode 429|503] [--retry-after 1] [--incidents 25]`
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { parse as parseQuery } from 'node:querystring';
import { Redis } from 'ioredis';
import { parseDurationMs, parseFlags } from './lib/args.mjs';

const FLAGS = ['outage', 'mode', 'retry-after', 'incidents', 'deadline'];
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHANNEL = 'C0INCIDENTS';
// Goal from the issue: nothing lost, nothing duplicated, caught up within 5 s of Slack answering.
const GOAL = { catchUpMs: 5_000 };

export async function main(argv) {
  const flags = parseFlags(argv, FLAGS);
  const cfg = {
    outageMs: parseDurationMs(flags.outage ?? '60s'),
    mode: flags.mode ?? '429',
    retryAfterS: Number(flags['retry-after'] ?? 1),
    incidents: Number(flags.incidents ?? 25),
    deadlineMs: parseDurationMs(flags.deadline ?? '60s'), // how long to wait for the catch-up
  };
  if (!['429', '503'].includes(cfg.mode)) throw new Error('--mode is 429 or 503');

  const { createSlackBot } = await import('../dist/bot/create-slack-bot.js');
  const { createSlackPlatform } = await import('../dist/bot/create-slack-platform.js');
  const { createBackend } = await import('../dist/backend/create-backend.js');
  const { parseConfig } = await import('../dist/config/parse-config.js');
  const { IncidentEngine } = await import('../dist/incidents/incident-engine.js');
  const { MemoryStore } = await import('../dist/backend/memory/memory-store.js');
  const { Metrics } = await import('../dist/observability/metrics.js');
  const { silentLogger } = await import('../dist/observability/logger.js');
  const { systemClock } = await import('../dist/core/clock.js');

  const slack = await startFakeSlack(cfg);
  const prefix = `lifeboat-bench:slack-outbox:${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const config = benchConfig(parseConfig, cfg.incidents, slack.url);
  const store = new MemoryStore({ clock: systemClock });
  const logger = silentLogger();
  const engine = new IncidentEngine({
    store,
    clock: systemClock,
    logger,
    policies: new Map(config.checks.map((c) => [c.id, { failAfter: 1, recoverAfter: 1 }])),
    fencing: { mode: 'unfenced' },
  });
  const metrics = new Metrics();
  const backend = createBackend(redis, prefix, { clock: systemClock, logger, retention: config.retention });
  const platform = createSlackPlatform({
    config,
    logger,
    metrics,
    clock: systemClock,
    seen: backend.seenDeliveries,
    outbox: backend.slackOutbox,
  });
  const bot = createSlackBot({
    platform,
    config,
    logger,
    store,
    refs: backend.incidentMessageRefs,
    incidents: engine,
    pageOnCall: async () => ({ ok: true }),
    submitAction: async () => undefined,
    listApprovals: async () => [],
    clock: systemClock,
  });
  engine.subscribe(bot.notifier.listener);
  console.log(
    `slack-outbox bench: ${cpus().length} CPUs, node ${process.version}; ${cfg.incidents} incidents; Slack answers ` +
      `${cfg.mode === '429' ? `429 (Retry-After ${cfg.retryAfterS}s)` : '503'} for ${cfg.outageMs / 1000}s; Redis ${REDIS_URL} prefix ${prefix}`,
  );
  try {
    await bot.start(); // auth.test while Slack is up; starts the outbox worker
    slack.startOutage();
    const outageStart = Date.now();
    const checks = config.checks.map((c) => c.id);
    const result = (severity, status) => (checkId) => ({
      checkId,
      startedAt: Date.now(),
      durationMs: 5,
      ok: false,
      severity,
      summary: `HTTP ${status} (expected 200)`,
      measurement: { kind: 'http', status, url: `https://${checkId}.example.com/health` },
      error: { kind: 'unexpected-status', message: `HTTP ${status}` },
    });
    for (const id of checks) await engine.apply(result('SEV2', 503)(id));
    await sleep(outageStart + cfg.outageMs / 3 - Date.now());
    for (const id of checks) await engine.apply(result('SEV1', 500)(id));
    await sleep(outageStart + (2 * cfg.outageMs) / 3 - Date.now());
    for (const id of checks) await engine.apply(result('SEV2', 502)(id));
    await sleep(outageStart + cfg.outageMs - Date.now());
    const duringOutage = { ...slack.counts };
    slack.endOutage();
    const back = Date.now();

    let done = false;
    while (!done && Date.now() - back < cfg.deadlineMs) {
      await sleep(50);
      done = complete(slack, cfg.incidents).missing === 0;
    }
    const catchUpMs = done ? Date.now() - back : null;
    await sleep(1_000); // anything still arriving late would be a duplicate
    const tally = complete(slack, cfg.incidents);
    const pending = await bot.outbox.pending();

    console.log(
      `calls during the ${cfg.outageMs / 1000}s outage: ${JSON.stringify(duringOutage)} (${(sum(duringOutage) / (cfg.outageMs / 1000)).toFixed(1)}/s)`,
    );
    console.log(`posts expected: ${cfg.incidents} messages + ${2 * cfg.incidents} thread replies`);
    console.log(
      `posts lost: ${tally.missing}   posts duplicated: ${tally.duplicated}   stale messages: ${tally.stale}   left in the outbox: ${pending}`,
    );
    console.log(
      `catch-up after Slack answered again: ${catchUpMs === null ? `not within ${cfg.deadlineMs / 1000}s` : `${(catchUpMs / 1000).toFixed(2)} s`}`,
    );
    const ok = tally.missing === 0 && tally.duplicated === 0 && tally.stale === 0 && catchUpMs !== null && catchUpMs <= GOAL.catchUpMs;
    console.log(`verdict: ${ok ? 'meets' : 'MISSES'} the goal (0 lost, 0 duplicated, caught up within ${GOAL.catchUpMs / 1000} s)`);
    return ok ? 0 : 1;
  } finally {
    await bot.stop();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
    await new Promise((resolve) => slack.server.close(resolve));
  }
}

function benchConfig(parseConfig, count, slackUrl) {
  const checks = Array.from(
    { length: count },
    (_, i) => `
  - id: svc${i + 1}
    type: http
    url: https://svc${i + 1}.example.com/health
    every: 15s
    severity: SEV2
    failAfter: 1
    recoverAfter: 1`,
  ).join('');
  const parsed = parseConfig(
    `slack:\n  channel: ${CHANNEL}\n  command: /dr\n  operators: [U0AAA]\n  approvers: [U0BBB]\nchecks:${checks}\n`,
    {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-secret',
      SLACK_API_URL: slackUrl,
    },
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

/**
 * Per incident: exactly one top-level message, showing the last state (SEV2, HTTP 502), with the
 * escalation and de-escalation replies once each, in order.
 */
function complete(slack, incidents) {
  let missing = 0;
  let duplicated = 0;
  let stale = 0;
  for (let n = 1; n <= incidents; n++) {
    const id = `INC-${n}`;
    const tops = slack.messages.filter((m) => !m.threadTs && m.text.includes(` ${id} `));
    if (tops.length === 0) {
      missing += 3;
      continue;
    }
    duplicated += tops.length - 1;
    if (!tops[0].text.startsWith(`SEV2 ${id} `) || !tops[0].text.includes('HTTP 502')) stale += 1;
    const replies = slack.messages.filter((m) => m.threadTs === tops[0].ts).map((m) => m.text);
    for (const expected of [':arrow_up: Escalated', ':arrow_down: De-escalated']) {
      const count = replies.filter((t) => t.startsWith(expected)).length;
      if (count === 0) missing += 1;
      duplicated += Math.max(0, count - 1);
    }
  }
  return { missing, duplicated, stale };
}

/** A Slack Web API on 127.0.0.1: keeps messages (with metadata), answers 429/503 during the outage. */
async function startFakeSlack(cfg) {
  const state = { outage: false, messages: [], counts: {}, seq: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const method = req.url.replace(/^\/api\//, '').split('?')[0];
      const body = parseQuery(Buffer.concat(chunks).toString());
      if (state.outage) {
        state.counts[method] = (state.counts[method] ?? 0) + 1;
        if (cfg.mode === '429') {
          res.writeHead(429, { 'retry-after': String(cfg.retryAfterS), 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        } else {
          res.writeHead(503, { 'content-type': 'text/plain' });
          res.end('upstream connect error');
        }
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer(state, method, body)));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    server,
    url: `http://127.0.0.1:${port}/api/`,
    get messages() {
      return state.messages;
    },
    get counts() {
      return state.counts;
    },
    startOutage: () => (state.outage = true),
    endOutage: () => (state.outage = false),
  };
}

function answer(state, method, body) {
  const nextTs = () => {
    state.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(state.seq).padStart(6, '0')}`;
  };
  switch (method) {
    case 'auth.test':
      return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' };
    case 'chat.postMessage': {
      const message = {
        channel: body.channel,
        ts: nextTs(),
        threadTs: body.thread_ts || undefined,
        text: body.text ?? '',
        metadata: body.metadata ? JSON.parse(body.metadata) : undefined,
      };
      state.messages.push(message);
      return { ok: true, channel: message.channel, ts: message.ts };
    }
    case 'chat.update': {
      const message = state.messages.find((m) => m.channel === body.channel && m.ts === body.ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      message.text = body.text ?? '';
      return { ok: true, channel: message.channel, ts: message.ts };
    }
    case 'conversations.history':
    case 'conversations.replies': {
      const oldest = Number(body.oldest ?? 0);
      const inThread = method === 'conversations.replies';
      const found = state.messages.filter(
        (m) => m.channel === body.channel && Number(m.ts) > oldest && (inThread ? m.threadTs === body.ts : !m.threadTs),
      );
      const toSlack = (m) => ({
        type: 'message',
        ts: m.ts,
        text: m.text,
        bot_id: 'BBOT',
        ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
        ...(m.metadata ? { metadata: m.metadata } : {}),
      });
      return { ok: true, messages: found.map(toSlack), has_more: false, response_metadata: { next_cursor: '' } };
    }
    default:
      return { ok: false, error: 'unknown_method' };
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
