import type { App } from '../../src/app.js';
import type { ManualClock } from './manual-clock.js';
import { nockResponseUrl } from './slack-api-nock.js';
import { signed, slashCommandBody } from './slack-requests.js';
import { until } from './until.js';

/** What a command posts to its response_url: text, and blocks when it has them. */
export interface SlashAnswer {
  text: string;
  blocks?: Array<{ text?: { text: string } }>;
}

let commands = 0;

/**
 * Sends `/dr <text>` as `userId` to the app's /slack/events, signed as Slack signs it at the app's
 * clock (the signature check refuses timestamps five minutes off it), and waits for the answer
 * posted to the command's response_url; returns that answer's JSON body.
 */
export async function slashCommand(app: App, clock: ManualClock, text: string, userId = 'U0AAA'): Promise<SlashAnswer> {
  commands += 1;
  const path = `/commands/T1/slash/${commands}`;
  const answer = nockResponseUrl(path);
  const request = signed(slashCommandBody(text, { userId, responsePath: path }), 'application/x-www-form-urlencoded', clock.now());
  const response = await app.server.inject({ method: 'POST', url: '/slack/events', payload: request.body, headers: request.headers });
  if (response.statusCode !== 200) throw new Error(`/slack/events answered ${response.statusCode}: ${response.body}`);
  await until(() => answer.bodies.length > 0, `an answer to "/dr ${text}"`);
  return answer.bodies[0] as SlashAnswer;
}

/** Sends `/dr <text>` that is answered in the acknowledgement itself (a parse error): that answer. */
export async function slashCommandAck(app: App, clock: ManualClock, text: string, userId = 'U0AAA'): Promise<{ text: string }> {
  const request = signed(slashCommandBody(text, { userId }), 'application/x-www-form-urlencoded', clock.now());
  const response = await app.server.inject({ method: 'POST', url: '/slack/events', payload: request.body, headers: request.headers });
  if (response.statusCode !== 200) throw new Error(`/slack/events answered ${response.statusCode}: ${response.body}`);
  return response.json() as { text: string };
}
