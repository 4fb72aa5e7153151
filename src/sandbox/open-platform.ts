import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createTokens } from './open-platform-auth.js';
import { createDirectory, type Chat } from './open-platform-directory.js';
import { createEphemerals } from './open-platform-ephemeral.js';
import { createFaults } from './open-platform-faults.js';
import { MULTIPART_LIMIT, uploadFile } from './open-platform-files.js';
import { createResources, resourcePath } from './open-platform-resources.js';
import { ApiError, faultReply, parseJson, readBody, sleep, type Reply } from './open-platform-http.js';
import { botOpenIdOf, hex, tenantKeyOf } from './open-platform-ids.js';
import { createMessages } from './open-platform-messages.js';
import { createWsGateway } from './open-platform-ws.js';
import type { OpenPlatform, PlatformOptions, RecordedRequest, SentMessage, StoredFile } from './open-platform-types.js';

export type * from './open-platform-types.js';
export { p2pChatOf } from './open-platform-ids.js';

/** Builds the fake without I/O; nothing listens until `listen()` or a host app mounts `middleware()`. */
export function createOpenPlatform(opts: PlatformOptions): OpenPlatform {
  const now = opts.now ?? Date.now;
  const botOpenId = opts.botOpenId ?? botOpenIdOf(opts.appId);
  const tenantKey = tenantKeyOf(opts.appId);
  const users = new Map(Object.entries(opts.users ?? {}));
  const chats = new Map<string, Chat>();

  const sent: SentMessage[] = [];
  const requests: RecordedRequest[] = [];
  const files: StoredFile[] = [];
  const emitter = new EventEmitter();
  let seq = 0;

  const { faults, pickFault } = createFaults();

  function record(m: Omit<SentMessage, 'seq' | 'at'>): SentMessage {
    const full: SentMessage = { seq: ++seq, at: new Date(now()), ...m };
    sent.push(full);
    try {
      emitter.emit('message', full);
    } catch {
      // A listener's bug must not turn an accepted send into a 500.
    }
    return full;
  }

  const tokens = createTokens({ appId: opts.appId, appSecret: opts.appSecret, now });
  const directory = createDirectory({ tenantKey, users, chats, contactScope: opts.contactScope ?? true });
  const messages = createMessages({ appId: opts.appId, tenantKey, now, record, files, chats });
  const ephemeral = createEphemerals({ now, record, checkChat: messages.checkChat, isP2p: messages.isP2p });
  const resources = createResources();
  const ws = createWsGateway(opts, opts.ws);
  const wsEndpoint = ws.middleware();

  async function route(ctx: Koa.Context): Promise<Reply> {
    const { method, path } = ctx;
    const p = path.replace(/\/+$/, '');
    const seg = (re: RegExp) => {
      const m = re.exec(p);
      return m?.[1] === undefined ? undefined : decodeURIComponent(m[1]);
    };

    if (method === 'POST' && p === '/open-apis/auth/v3/tenant_access_token/internal') {
      return tokens.issueToken(parseJson((await readBody(ctx)).toString('utf8')));
    }

    type Handler = () => Promise<Reply> | Reply;
    let handler: Handler | undefined;
    let id: string | undefined;
    const json = async () => {
      const raw = await readBody(ctx);
      return { body: parseJson(raw.toString('utf8')), size: raw.length };
    };
    if (method === 'POST' && p === '/open-apis/im/v1/messages') {
      handler = async () => {
        const { body, size } = await json();
        return messages.create(ctx, body, size);
      };
    } else if (method === 'POST' && (id = seg(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/)) !== undefined) {
      const parent = id;
      handler = async () => {
        const { body, size } = await json();
        return messages.reply(parent, body, size);
      };
    } else if (method === 'PATCH' && (id = seg(/^\/open-apis\/im\/v1\/messages\/([^/]+)$/)) !== undefined) {
      const target = id;
      handler = async () => {
        const { body, size } = await json();
        return messages.patch(target, body, size);
      };
    } else if (method === 'POST' && p === '/open-apis/ephemeral/v1/send') {
      handler = async () => ephemeral.send((await json()).body);
    } else if (method === 'POST' && p === '/open-apis/ephemeral/v1/delete') {
      handler = async () => ephemeral.remove((await json()).body);
    } else if (method === 'GET' && (id = seg(/^\/open-apis\/contact\/v3\/users\/([^/]+)$/)) !== undefined) {
      const openId = id;
      handler = () => directory.getUser(ctx, openId);
    } else if (method === 'GET' && p === '/open-apis/bot/v3/info') {
      handler = () => ({ status: 200, body: { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: '督办', avatar_url: '', ip_white_list: [], open_id: botOpenId } } });
    } else if (method === 'POST' && p === '/open-apis/im/v1/files') {
      handler = async () => uploadFile(ctx, await readBody(ctx, MULTIPART_LIMIT, new ApiError(400, 234006, 'The file size exceed the max value.')), files);
    } else if (method === 'GET' && (id = seg(/^\/open-apis\/im\/v1\/chats\/([^/]+)\/members$/)) !== undefined) {
      const chatId = id;
      handler = () => directory.listMembers(ctx, chatId);
    } else if (method === 'GET' && p === '/open-apis/im/v1/chats') {
      handler = directory.listChats;
    } else if (method === 'GET' && resourcePath(p)) {
      const r = resourcePath(p)!;
      handler = () => resources.get(r.messageId, r.fileKey, typeof ctx.query.type === 'string' ? ctx.query.type : undefined);
    }

    if (!handler) return { status: 404, body: { code: 404, msg: 'not found in fake' } };
    tokens.authorize(ctx);
    return handler();
  }

  async function serve(ctx: Koa.Context): Promise<void> {
    const entry: RecordedRequest = { method: ctx.method, path: ctx.path, search: ctx.querystring, at: new Date(now()), status: 0, fault: false };
    requests.push(entry);
    ctx.state.arrivedAt = entry.at;
    const logId = `${new Date(now()).toISOString().replace(/\D/g, '').slice(0, 14)}${hex(8).toUpperCase()}`;
    ctx.set('x-tt-logid', logId);
    let reply: Reply;
    try {
      const fault = pickFault(ctx.method, ctx.path);
      if (fault) {
        entry.fault = true;
        if (fault.delayMs) await sleep(fault.delayMs);
        if (fault.reset) {
          ctx.respond = false;
          ctx.req.socket.destroy();
          return;
        }
      }
      if (fault?.status !== undefined) {
        reply = faultReply(fault.status, fault.body, fault.headers);
      } else {
        reply = await route(ctx);
      }
    } catch (e) {
      reply =
        e instanceof ApiError
          ? { status: e.status, body: { code: e.code, msg: e.message, error: { log_id: logId, ...e.extra } } }
          : { status: 500, body: { code: 500, msg: `fake platform error: ${e instanceof Error ? e.message : String(e)}` } };
    }
    for (const [k, v] of Object.entries(reply.headers ?? {})) ctx.set(k, v);
    ctx.status = reply.status;
    ctx.body = reply.body ?? '';
    entry.status = reply.status;
  }

  const middleware = (): Koa.Middleware => async (ctx, next) => {
    if (ctx.path !== '/open-apis' && !ctx.path.startsWith('/open-apis/')) return wsEndpoint(ctx, next);
    await serve(ctx);
  };

  return {
    middleware,
    async listen(port = 0, host = '127.0.0.1') {
      const app = new Koa();
      app.use(middleware());
      const server = createServer(app.callback());
      server.on('upgrade', ws.upgrade);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const addr = server.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      return {
        url: `http://${shownHost}:${addr.port}`,
        close: () =>
          new Promise<void>((resolve, reject) => {
            ws.close();
            server.close((err) => (err ? reject(err) : resolve()));
            server.closeAllConnections();
          }),
      };
    },
    sent,
    requests,
    files,
    resources,
    faults,
    ws,
    on(event, fn) {
      emitter.on(event, fn);
      return () => emitter.off(event, fn);
    },
    waitFor(pred, timeoutMs = 5000) {
      const hit = sent.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const listener = (m: SentMessage) => {
          let matched: boolean;
          try {
            matched = pred(m);
          } catch (e) {
            done();
            reject(e);
            return;
          }
          if (matched) {
            done();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          done();
          const last = sent.slice(-3).map((m) => `#${m.seq} ${m.kind} ${m.msgType} ${m.chatId ?? m.replyTo ?? ''}`);
          reject(new Error(`waitFor timed out after ${timeoutMs} ms; ${sent.length} message(s) sent, last: ${last.join('; ') || 'none'}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          emitter.off('message', listener);
        };
        emitter.on('message', listener);
      });
    },
    setChatMembers: directory.setChatMembers,
    contentOf: messages.contentOf,
    ephemerals() {
      return [...ephemeral.cards.values()];
    },
    setUser(openId, user) {
      users.set(openId, user);
    },
    setContactScope: directory.setContactScope,
    recordInbound: messages.recordInbound,
    expireTokens: tokens.expireAll,
    reset() {
      sent.length = 0;
      requests.length = 0;
      files.length = 0;
      messages.reset();
      faults.clear();
      ephemeral.reset();
      resources.reset();
    },
  };
}

