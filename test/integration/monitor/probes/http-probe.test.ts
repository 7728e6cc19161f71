import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scanBody } from '../../../../src/monitor/probes/http-body.js';
import { createHttpProber, type HttpProber, type HttpProbeSpec } from '../../../../src/monitor/probes/http-probe.js';

const TEN_MB = 10 * 1024 * 1024;
const bigBody = { written: 0, finished: false, closed: Promise.resolve() };
let flips = 0;

function route(req: IncomingMessage, res: ServerResponse): void {
  switch (req.url) {
    case '/ok':
      res.end('status: ok\n');
      return;
    case '/down':
      res.writeHead(503).end('maintenance');
      return;
    case '/split':
      // The needle "needle-xyz" straddles two writes 30 ms apart, so two separate chunks.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('aaaa need');
      setTimeout(() => res.end('le-xyz bbbb'), 30);
      return;
    case '/hang':
      return; // never answers
    case '/hang-body':
      res.writeHead(200, { 'content-length': '100' });
      res.flushHeaders(); // headers only; the body never comes
      return;
    case '/reset':
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 20);
      return;
    case '/big':
      streamBig(res);
      return;
    case '/echo?region=eu&v=2':
      // Only the exact path and query (no fragment) gets the 200.
      res.end('echo');
      return;
    case '/flip':
      flips += 1;
      res.writeHead(flips % 2 === 1 ? 200 : 204).end();
      return;
    case '/auth':
      res.writeHead(req.headers.authorization === `Basic ${btoa('ops:s3cr%t')}` ? 200 : 401).end('ok');
      return;
    default:
      res.writeHead(404).end();
  }
}

/**
 * 10 MB in 64 KiB chunks, one per millisecond at most (so at least 160 ms in all, whatever the
 * kernel's socket buffers absorb), honouring backpressure, recording how much went out.
 */
function streamBig(res: ServerResponse): void {
  bigBody.written = 0;
  bigBody.finished = false;
  bigBody.closed = new Promise((resolve) => res.on('close', () => resolve()));
  const chunk = Buffer.alloc(64 * 1024, 'x');
  res.writeHead(200, { 'content-length': String(TEN_MB) });
  const pump = (): void => {
    if (res.destroyed) return;
    if (bigBody.written >= TEN_MB) {
      res.end(() => (bigBody.finished = true));
      return;
    }
    bigBody.written += chunk.length;
    if (res.write(chunk)) setTimeout(pump, 1);
    else res.once('drain', pump);
  };
  pump();
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

let http: Server;
let tls: Server;
let base: string;
let tlsBase: string;
let closedPort: number;
let certDir: string;
let cert: Buffer;
let prober: HttpProber | undefined;

beforeAll(async () => {
  http = createServer(route);
  base = `http://127.0.0.1:${await listen(http)}`;
  // A throwaway self-signed certificate for localhost, made here so no key lives in the repo.
  certDir = mkdtempSync(join(tmpdir(), 'lifeboat-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(certDir, 'cert.pem'));
  tls = createTlsServer({ key: readFileSync(join(certDir, 'key.pem')), cert }, route);
  tlsBase = `https://127.0.0.1:${await listen(tls)}`;
  const gone = createServer();
  closedPort = await listen(gone);
  await close(gone);
});

afterAll(async () => {
  await Promise.all([close(http), close(tls)]);
  rmSync(certDir, { recursive: true, force: true });
});

afterEach(async () => {
  await prober?.close();
  prober = undefined;
});

function spec(path: string, overrides: Partial<HttpProbeSpec> = {}): HttpProbeSpec {
  return {
    url: path.includes('://') ? path : `${base}${path}`,
    method: 'GET',
    timeoutMs: 2000,
    expect: { status: [200] },
    maxBodyBytes: 1024 * 1024,
    severity: 'SEV2',
    ...overrides,
  };
}

async function timed<T>(work: Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work;
  return [value, performance.now() - started];
}

describe('HTTP probe against real local servers', () => {
  it('reports a 200 as ok with its status and latency', async () => {
    prober = createHttpProber();
    const outcome = await prober.probe(spec('/ok', { expect: { status: [200], bodyContains: 'ok' } }));
    expect(outcome).toMatchObject({ ok: true, severity: null, measurement: { kind: 'http', status: 200, url: `${base}/ok` } });
    expect(outcome.summary).toMatch(/^HTTP 200 in \d+ms$/);
    expect(outcome.error).toBeUndefined();
  });

  it('sends the path with its query, never the fragment', async () => {
    prober = createHttpProber();
    const outcome = await prober.probe(spec('/echo?region=eu&v=2#section'));
    expect(outcome).toMatchObject({ ok: true, measurement: { status: 200, url: `${base}/echo?region=eu&v=2#section` } });
  });

  it('measures each run of the same spec afresh: a changed status shows on the next run', async () => {
    prober = createHttpProber();
    flips = 0;
    const flip = spec('/flip', { expect: { status: [200, 204] } });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const outcome = await prober.probe(flip);
      expect(outcome.summary).toMatch(new RegExp(`^HTTP ${outcome.measurement.kind === 'http' && outcome.measurement.status} in \\d+ms$`));
      statuses.push(outcome.measurement.kind === 'http' ? outcome.measurement.status : null);
    }
    expect(statuses).toEqual([200, 204, 200, 204]);
  });

  it('sends HEAD without reading a body', async () => {
    prober = createHttpProber();
    const outcome = await prober.probe(spec('/ok', { method: 'HEAD' }));
    expect(outcome).toMatchObject({ ok: true, measurement: { status: 200 } });
  });

  it('fails an unexpected status with the expected list in the summary', async () => {
    prober = createHttpProber();
    const outcome = await prober.probe(spec('/down', { expect: { status: [200, 204] } }));
    expect(outcome).toMatchObject({ ok: false, severity: 'SEV2', measurement: { status: 503 }, error: { kind: 'unexpected-status' } });
    expect(outcome.summary).toBe('HTTP 503 (expected 200, 204)');
  });

  it('finds bodyContains split across two chunks', async () => {
    prober = createHttpProber();
    const outcome = await prober.probe(spec('/split', { expect: { status: [200], bodyContains: 'needle-xyz' } }));
    expect(outcome.ok).toBe(true);
  });

  it('fails when the body lacks bodyContains', async () => {
    prober = createHttpProber();
    const outcome = await prober.probe(spec('/split', { expect: { status: [200], bodyContains: 'ok' } }));
    expect(outcome).toMatchObject({ ok: false, measurement: { status: 200 }, error: { kind: 'body-mismatch' } });
    expect(outcome.summary).toBe('body does not contain "ok"');
  });

  it('times out within about timeoutMs when the server never answers', async () => {
    prober = createHttpProber();
    const [outcome, elapsedMs] = await timed(prober.probe(spec('/hang', { timeoutMs: 300 })));
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(outcome.summary).toBe('timeout after 300ms');
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it.each([
    ['reading it for bodyContains', { status: [200], bodyContains: 'ok' }],
    ['only discarding it', { status: [200] }],
  ])('times out when headers come but the body never does (%s)', async (_, expectation) => {
    prober = createHttpProber();
    const [outcome, elapsedMs] = await timed(prober.probe(spec('/hang-body', { timeoutMs: 300, expect: expectation })));
    expect(outcome).toMatchObject({ ok: false, measurement: { status: 200 }, error: { kind: 'timeout' } });
    expect(outcome.error?.message).toContain('body not complete');
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('reports connection refused on a closed port', async () => {
    prober = createHttpProber();
    const outcome = await prober.probe(spec(`http://127.0.0.1:${closedPort}/`));
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'connection-refused' } });
    expect(outcome.summary).toBe('connection refused');
    expect(outcome.measurement).toEqual({ kind: 'http', url: `http://127.0.0.1:${closedPort}/` });
  });

  it.each([
    ['reading it for bodyContains', { status: [200], bodyContains: 'ok' }],
    ['only discarding it', { status: [200] }],
  ])('reports a reset when the server destroys the socket mid-response (%s)', async (_, expectation) => {
    prober = createHttpProber();
    const outcome = await prober.probe(spec('/reset', { expect: expectation }));
    expect(outcome).toMatchObject({ ok: false, measurement: { status: 200 }, error: { kind: 'connection-reset' } });
    expect(outcome.summary).toBe('connection reset');
  });

  it('stops reading a 10 MB body at maxBodyBytes', async () => {
    prober = createHttpProber();
    // A timer armed as the body starts must fire promptly: streaming never blocks the loop.
    const armedAt = performance.now();
    const timerFired = new Promise<number>((resolve) => setTimeout(() => resolve(performance.now() - armedAt), 1));
    const [outcome, elapsedMs] = await timed(
      prober.probe(spec('/big', { maxBodyBytes: 1024 * 1024, expect: { status: [200], bodyContains: 'never-there' } })),
    );
    expect(outcome).toMatchObject({ ok: false, measurement: { status: 200 }, error: { kind: 'body-too-large' } });
    expect(outcome.summary).toBe('body larger than 1 MiB');
    expect(elapsedMs).toBeLessThan(1500);
    expect(await timerFired).toBeLessThan(250);
    await bigBody.closed;
    // The client hung up: the server could not push the whole 10 MB through.
    expect(bigBody.finished).toBe(false);
    expect(bigBody.written).toBeLessThan(TEN_MB);
  });

  it('without bodyContains, judges a 10 MB body by status and cuts it off at maxBodyBytes', async () => {
    prober = createHttpProber();
    const [outcome, elapsedMs] = await timed(prober.probe(spec('/big', { maxBodyBytes: 256 * 1024 })));
    expect(outcome).toMatchObject({ ok: true, measurement: { status: 200 } });
    expect(elapsedMs).toBeLessThan(1500);
    await bigBody.closed;
    expect(bigBody.finished).toBe(false);
  });

  it('reports a DNS failure with the host name', async () => {
    prober = createHttpProber();
    const outcome = await prober.probe(spec('http://lifeboat-probe-test.invalid/health'));
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'dns' } });
    expect(outcome.summary).toBe('DNS lookup failed for lifeboat-probe-test.invalid');
  });

  it('reports a self-signed certificate as a TLS error', async () => {
    prober = createHttpProber();
    const outcome = await prober.probe(spec(`${tlsBase}/ok`));
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'tls' } });
    expect(outcome.summary).toBe('TLS error: self-signed certificate');
  });

  it('reports a certificate for another host as a TLS error, through a caller-provided dispatcher', async () => {
    const dispatcher = new Agent({ connect: { ca: cert } });
    prober = createHttpProber({ dispatcher });
    const outcome = await prober.probe(spec(`${tlsBase}/ok`));
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'tls' } });
    expect(outcome.summary).toBe("TLS error: Hostname/IP does not match certificate's altnames");
    await dispatcher.close();
  });

  it('sends URL credentials as Basic auth and never shows the password', async () => {
    prober = createHttpProber();
    const url = `${base.replace('://', '://ops:s3cr%25t@')}/auth`;
    const ok = await prober.probe(spec(url));
    expect(ok).toMatchObject({ ok: true, measurement: { url: `${base.replace('://', '://ops:***@')}/auth` } });
    const refused = await prober.probe(spec(url.replace(base.split(':').pop() as string, String(closedPort))));
    expect(JSON.stringify([ok, refused])).not.toMatch(/s3cr/);
  });

  it('counts a caller abort as cancelled, and a caller timeout as a timeout', async () => {
    prober = createHttpProber();
    const cancelled = await prober.probe(spec('/hang'), AbortSignal.timeout(50));
    expect(cancelled).toMatchObject({ ok: false, summary: 'probe cancelled', error: { kind: 'timeout' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const aborted = await prober.probe(spec('/hang'), controller.signal);
    expect(aborted).toMatchObject({ ok: false, summary: 'probe cancelled', error: { kind: 'error' } });
  });

  it('with signalCarriesDeadline, takes the caller timeout as its own deadline: the same timeout outcome, phase included', async () => {
    prober = createHttpProber();
    const deadline = (ms: number) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new DOMException(`deadline of ${ms}ms passed`, 'TimeoutError')), ms);
      return controller.signal;
    };
    // spec.timeoutMs is far away: only the caller's signal can end these probes.
    const headers = await prober.probe(spec('/hang', { timeoutMs: 300 }), deadline(300), { signalCarriesDeadline: true });
    expect(headers).toMatchObject({
      ok: false,
      summary: 'timeout after 300ms',
      error: { kind: 'timeout', message: 'no response headers within 300ms' },
    });
    const body = await prober.probe(spec('/hang-body', { timeoutMs: 300, expect: { status: [200] } }), deadline(300), {
      signalCarriesDeadline: true,
    });
    expect(body).toMatchObject({ ok: false, measurement: { status: 200 }, summary: 'timeout after 300ms', error: { kind: 'timeout' } });
    expect(body.error?.message).toBe('HTTP 200 but body not complete within 300ms');
    // Any other abort is a cancellation, as without the option.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const cancelled = await prober.probe(spec('/hang', { timeoutMs: 300 }), controller.signal, { signalCarriesDeadline: true });
    expect(cancelled).toMatchObject({ ok: false, summary: 'probe cancelled', error: { kind: 'error' } });
    // And the probe still passes when the target answers in time.
    expect(await prober.probe(spec('/ok'), deadline(5_000), { signalCarriesDeadline: true })).toMatchObject({ ok: true });
  });

  it('never throws, even for an invalid URL', async () => {
    prober = createHttpProber();
    const outcome = await prober.probe(spec('http://user:pw@[not-a-host/'));
    expect(outcome).toMatchObject({ ok: false, summary: 'invalid URL', error: { kind: 'error' } });
    expect(JSON.stringify(outcome)).not.toContain('pw');
  });
});

describe('body scanning across chunk boundaries', () => {
  async function* chunks(text: string, cuts: number[]): AsyncGenerator<Buffer> {
    let from = 0;
    for (const cut of [...cuts, text.length]) yield Buffer.from(text.slice(from, (from = cut)));
  }
  const body = 'xxxx"status":"ok"yyyy';
  const needle = Buffer.from('"status":"ok"');

  it('finds the needle wherever the body is cut, and in one-byte chunks', async () => {
    for (let cut = 1; cut < body.length; cut++) {
      await expect(scanBody(chunks(body, [cut]), needle, 1024)).resolves.toBe('found');
    }
    const everyByte = Array.from({ length: body.length - 1 }, (_, i) => i + 1);
    await expect(scanBody(chunks(body, everyByte), needle, 1024)).resolves.toBe('found');
    await expect(scanBody(chunks(body.replace('ok', 'ko'), everyByte), needle, 1024)).resolves.toBe('missing');
    await expect(scanBody(chunks(body, [3]), needle, body.length - 1)).resolves.toBe('too-large');
  });
});
