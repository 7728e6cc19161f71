import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import nock from 'nock';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

// Debian's chromium (`.ci/run` installs it); playwright never downloads a browser of its own.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface OpenedPage {
  page: Page;
  /** The messages of the dialogs (alert, confirm) the page raised; each is dismissed. */
  dialogs: string[];
}

export interface ChromiumOnServer {
  /** Where the server listens, e.g. http://127.0.0.1:40123. */
  readonly baseUrl: string;
  /** Opens `path` in a fresh browser context and expects a 200. */
  open(path: string, javaScriptEnabled: boolean): Promise<OpenedPage>;
}

/**
 * Call at the top of a browser test file: before the tests, starts the server `serve` builds (on
 * 127.0.0.1, the only network allowed) and launches headless chromium; closes both afterwards.
 */
export function useChromium(serve: () => Promise<Pick<FastifyInstance, 'listen' | 'close'>>): ChromiumOnServer {
  let browser: Browser | undefined;
  let baseUrl: string | undefined;
  let close: (() => Promise<unknown>) | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    }
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const server = await serve();
    baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
    close = () => server.close();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
    nock.enableNetConnect();
  });

  return {
    get baseUrl() {
      if (!baseUrl) throw new Error('the server is not listening yet');
      return baseUrl;
    },
    async open(path, javaScriptEnabled) {
      if (!browser || !baseUrl) throw new Error('chromium is not running yet');
      const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1000, height: 900 } });
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      const response = await page.goto(`${baseUrl}${path}`);
      expect(response?.status()).toBe(200);
      return { page, dialogs };
    },
  };
}
