// Child process: a Slack Web API and a PagerDuty Events API v2 on 127.0.0.1 for benches that
// wire the whole app. A separate process, so the messages it keeps do not count in the bench's
// own RSS. Reports its URLs over IPC, answers {type:'counts'} with what it received, and exits
// when the parent disconnects.
import { createServer } from 'node:http';
import { parse as parseQuery } from 'node:querystring';

const messages = new Map(); // ts -> { channel, ts, threadTs, text, metadata }
const counts = { slack: {}, pagerduty: { trigger: 0, acknowledge: 0, resolve: 0 } };
let seq = 0;

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const slack = createServer(async (req, res) => {
  const method = req.url.replace(/^\/api\//, '').split('?')[0];
  const raw = await readBody(req);
  const body = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(raw || '{}') : parseQuery(raw);
  counts.slack[method] = (counts.slack[method] ?? 0) + 1;
  json(res, 200, answer(method, body));
});

function answer(method, body) {
  switch (method) {
    case 'auth.test':
      return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', app_id: 'ABENCH' };
    case 'bots.info':
      return { ok: true, bot: { id: body.bot, app_id: 'ABENCH', user_id: 'UBOT', name: 'lifeboat', deleted: false } };
    case 'chat.postMessage': {
      seq += 1;
      const ts = `${Math.floor(Date.now() / 1000)}.${String(seq % 1_000_000).padStart(6, '0')}`;
      const metadata = typeof body.metadata === 'string' ? JSON.parse(body.metadata) : body.metadata;
      messages.set(ts, { channel: body.channel, ts, threadTs: body.thread_ts || undefined, text: body.text ?? '', metadata });
      return { ok: true, channel: body.channel, ts };
    }
    case 'chat.update': {
      const message = messages.get(body.ts);
      if (!message || message.channel !== body.channel) return { ok: false, error: 'message_not_found' };
      message.text = body.text ?? '';
      return { ok: true, channel: message.channel, ts: message.ts };
    }
    case 'chat.getPermalink':
      return {
        ok: true,
        channel: body.channel,
        permalink: `https://bench.slack.com/archives/${body.channel}/p${String(body.message_ts).replace('.', '')}`,
      };
    case 'conversations.history':
    case 'conversations.replies': {
      const oldest = Number(body.oldest ?? 0);
      const inThread = method === 'conversations.replies';
      const found = [...messages.values()].filter(
        (m) => m.channel === body.channel && Number(m.ts) > oldest && (inThread ? m.threadTs === body.ts || m.ts === body.ts : !m.threadTs),
      );
      const toSlack = (m) => ({
        type: 'message',
        ts: m.ts,
        text: m.text,
        bot_id: 'BBOT',
        ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
        ...(m.metadata ? { metadata: m.metadata } : {}),
      });
      return { ok: true, messages: found.slice(-200).reverse().map(toSlack), has_more: false, response_metadata: { next_cursor: '' } };
    }
    default:
      return { ok: false, error: 'unknown_method' };
  }
}

const pagerduty = createServer(async (req, res) => {
  const event = JSON.parse((await readBody(req)) || '{}');
  if (req.url !== '/v2/enqueue' || !event.routing_key)
    return json(res, 400, { status: 'invalid event', message: 'Event object is invalid' });
  counts.pagerduty[event.event_action] = (counts.pagerduty[event.event_action] ?? 0) + 1;
  // Events API v2: 202 {"status":"success","message":"Event processed","dedup_key":...}
  json(res, 202, { status: 'success', message: 'Event processed', dedup_key: event.dedup_key ?? 'bench' });
});

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', 1024, () => resolve(server.address().port)));
const [slackPort, pagerdutyPort] = await Promise.all([listen(slack), listen(pagerduty)]);
process.send({ slackUrl: `http://127.0.0.1:${slackPort}/api/`, pagerdutyUrl: `http://127.0.0.1:${pagerdutyPort}` });
process.on('message', (msg) => {
  if (msg?.type === 'counts') process.send({ type: 'counts', counts, messages: messages.size });
});
process.on('disconnect', () => process.exit(0));
