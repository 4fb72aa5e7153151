import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createOpenPlatform, type ListeningPlatform, type OpenPlatform } from '../../src/sandbox/open-platform.js';
import { messageEvent, newAppId, newChatId, newEventId, newOpenId } from '../support/feishu-wire.js';
import { FAST_WS, waitUntil } from './support.js';

let app: RunningApp | undefined;
let fake: ListeningPlatform | undefined;
afterEach(async () => {
  await app?.close();
  await fake?.close();
  app = fake = undefined;
});

describe('long connection: logging', () => {
  it('writes neither the app secret nor the connect URL’s ticket and access key, even at trace level', async () => {
    const keys = { appId: newAppId(), appSecret: `secret-${newEventId()}`, encryptKey: `enc-${newEventId()}`, verificationToken: `vt-${newEventId()}` };
    const platform: OpenPlatform = createOpenPlatform({ appId: keys.appId, appSecret: keys.appSecret, ws: FAST_WS.platform });
    fake = await platform.listen();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = readConfig({
      FEISHU_APP_ID: keys.appId,
      FEISHU_APP_SECRET: keys.appSecret,
      FEISHU_ENCRYPT_KEY: keys.encryptKey,
      FEISHU_VERIFICATION_TOKEN: keys.verificationToken,
      FEISHU_DOMAIN: fake.url,
      FEISHU_MODE: 'ws',
      HOST: '127.0.0.1',
      PORT: '0',
      DUBAN_DATA_FILE: join(mkdtempSync(join(tmpdir(), 'duban-ws-log-')), 'duban.json'),
      DUBAN_SCHEDULER: 'off',
    });
    // No secrets handed to the logger's scrubber: what is kept out here is kept out by the SDK logger wrapper itself.
    app = await startApp({ config, logger: createLogger('trace', sink), ws: FAST_WS.bot });
    await waitUntil('a ping and its pong', () => platform.ws.stats.pings > 0);
    platform.ws.drop();
    await waitUntil('the reconnect', () => platform.ws.stats.connects === 2 && platform.ws.stats.pings > 1);
    const ev = messageEvent(keys, { text: '/帮助', senderOpenId: newOpenId(), chatId: newChatId(), chatType: 'p2p' });
    expect((await platform.ws.push(ev)).code).toBe(200);

    const log = lines.join('');
    expect(log).toContain('get connect config success');
    expect(log).toContain('ticket=[omitted]');
    expect(log).not.toMatch(/ticket=[0-9a-f]/);
    expect(log).not.toMatch(/access_key=[0-9a-f]/);
    expect(log).not.toContain(keys.appSecret);
  });
});
