import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/feishu/client.js';
import { createMessenger } from '../../src/feishu/messenger.js';
import { createLogger } from '../../src/logger.js';

describe('sending to Feishu', () => {
  it('never follows a redirect: a 3xx to a send is a failed delivery, and nothing is sent where it points', async () => {
    const asked: string[] = [];
    const server = createServer((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      req.resume();
      if (req.url?.startsWith('/open-apis/auth/v3/tenant_access_token')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: 't-token', expire: 7200 }));
        return;
      }
      if (req.url?.startsWith('/elsewhere')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ code: 0, data: { message_id: 'om_elsewhere' } }));
        return;
      }
      res.writeHead(307, { location: '/elsewhere/messages' });
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const messenger = createMessenger(createClient({ appId: 'cli_redirect', appSecret: 's', domain: url, logger: createLogger('silent'), timeoutMs: 2000 }));
      const res = await messenger.deliver({ id: 'o1', to: { kind: 'chat', chatId: 'oc_1' }, content: { type: 'text', text: '你好' }, createdAt: new Date().toISOString() } as Parameters<typeof messenger.deliver>[0]);
      expect(res.ok).toBe(false);
      expect(asked.some((a) => a.startsWith('POST /open-apis/im/v1/messages'))).toBe(true);
      expect(asked.filter((a) => a.includes('/elsewhere'))).toEqual([]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
