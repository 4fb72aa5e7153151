import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createEphemerals } from './open-platform-ephemeral.js';
import { createFaults } from './open-platform-faults.js';
import { checkCard, isShared } from './open-platform-cards.js';
import { ApiError, faultReply, isRecord, ok, parseJson, readBody, sleep, type Reply } from './open-platform-http.js';
import { boundaryOf, parseMultipart, type Part } from './open-platform-multipart.js';
import type { OpenPlatform, PlatformOptions, RecordedRequest, SentMessage, StoredFile } from './open-platform-types.js';

export type * from './open-platform-types.js';

interface StoredMessage {
  messageId: string;
  chatId?: string;
  msgType: string;
  content: string;
  createTime: number;
  rootId?: string;
  parentId?: string;
  threadId?: string;
}

interface Chat {
  name: string;
  members: Map<string, string>;
  botIn: boolean;
}

const KB = 1024;
const TEXT_LIMIT = 150 * KB;
const CARD_LIMIT = 30 * KB;
const FILE_LIMIT = 30 * KB * KB;
const MULTIPART_LIMIT = FILE_LIMIT + 2 * KB * KB;
const UUID_WINDOW_MS = 60 * 60 * 1000;
const PATCH_WINDOW_MS = 14 * 24 * 3600 * 1000;
const PATCH_QPS = 5;
const TOKEN_TTL_S = 7200;
const TOKEN_REISSUE_S = 30 * 60;
const MSG_TYPES = new Set(['text', 'interactive', 'file', 'post']);
const FILE_TYPES = new Set(['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream']);
const RECEIVE_ID_TYPES = new Set(['open_id', 'user_id', 'union_id', 'email', 'chat_id']);

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const digest = (s: string) => createHash('sha256').update(s).digest('hex');
const tenantKeyOf = (appId: string) => digest(`tenant:${appId}`).slice(0, 16);
const unionIdOf = (openId: string) => `on_${digest(`union:${openId}`).slice(0, 32)}`;
/** The p2p chat id the fake assigns to private messages with `openId`. */
export const p2pChatOf = (id: string): string => `oc_${digest(`p2p:${id}`).slice(0, 32)}`;

/** Builds the fake without I/O; nothing listens until `listen()` or a host app mounts `middleware()`. */
export function createOpenPlatform(opts: PlatformOptions): OpenPlatform {
  const now = opts.now ?? Date.now;
  const botOpenId = opts.botOpenId ?? `ou_${digest(`bot:${opts.appId}`).slice(0, 32)}`;
  const tenantKey = tenantKeyOf(opts.appId);
  const users = new Map(Object.entries(opts.users ?? {}));
  let contactScope = opts.contactScope ?? true;

  const sent: SentMessage[] = [];
  const requests: RecordedRequest[] = [];
  const files: StoredFile[] = [];
  const emitter = new EventEmitter();
  const tokens = new Map<string, number>(); // token → expiry (epoch ms)
  let currentToken: string | undefined;
  const messages = new Map<string, StoredMessage>();
  const inbound = new Map<string, string>();
  const uuids = new Map<string, { at: number; data: Record<string, unknown> }>();
  const chats = new Map<string, Chat>();
  let seq = 0;
  const patches = new Map<string, number[]>(); // message id → recent PATCH times
  const p2pChats = new Set<string>();

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

  function authorize(ctx: Koa.Context): void {
    const header = ctx.get('authorization');
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) {
      throw new ApiError(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.');
    }
    const expiry = tokens.get(token);
    if (expiry === undefined || expiry <= now()) {
      throw new ApiError(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
    }
  }

  function issueToken(body: Record<string, unknown>): Reply {
    const { app_id: appId, app_secret: appSecret } = body;
    if (typeof appId !== 'string' || typeof appSecret !== 'string' || appId !== opts.appId) {
      return { status: 200, body: { code: 10003, msg: 'invalid param' } };
    }
    if (appSecret !== opts.appSecret) return { status: 200, body: { code: 10014, msg: 'app secret invalid' } };
    const t = now();
    const expiry = currentToken === undefined ? undefined : tokens.get(currentToken);
    // Feishu hands back the same token until less than 30 minutes remain.
    if (currentToken && expiry !== undefined && expiry - t > TOKEN_REISSUE_S * 1000) {
      const expire = Math.floor((expiry - t) / 1000);
      return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: currentToken, expire } };
    }
    currentToken = `t-${hex(20)}`;
    tokens.set(currentToken, t + TOKEN_TTL_S * 1000);
    return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: currentToken, expire: TOKEN_TTL_S } };
  }

  function parseContent(msgType: unknown, content: unknown, rawSize: number): unknown {
    if (typeof msgType !== 'string' || !MSG_TYPES.has(msgType)) {
      throw new ApiError(400, 230001, `Your request contains an invalid request parameter, ext=unsupported msg_type ${String(msgType)} in fake`);
    }
    if (typeof content !== 'string') throw new ApiError(400, 9499, 'Invalid parameter type in json: content');
    const limit = msgType === 'text' ? TEXT_LIMIT : CARD_LIMIT;
    if (rawSize > limit) throw new ApiError(400, 230025, 'The length of the message content reaches its limit.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=content is not valid JSON');
    }
    if (!isRecord(parsed)) throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=content must be a JSON object');
    if (msgType === 'text' && typeof parsed.text !== 'string') {
      throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=text content needs a text string');
    }
    if (msgType === 'file') {
      const key = parsed.file_key;
      if (typeof key !== 'string' || !files.some((f) => f.fileKey === key)) {
        throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=unknown file_key');
      }
    }
    if (msgType === 'interactive') checkCard(parsed);
    return parsed;
  }

  function checkChat(chatId: string): void {
    const chat = chats.get(chatId);
    if (chat && !chat.botIn) throw new ApiError(400, 230002, 'Bot/User can NOT be out of the chat.');
  }

  function checkUuid(uuid: unknown): string | undefined {
    if (uuid === undefined || uuid === '') return undefined;
    if (typeof uuid !== 'string' || uuid.length > 50) {
      throw new ApiError(400, 99992402, 'field validation failed', { field_violations: [{ field: 'uuid', description: 'uuid is a string of at most 50 characters' }] });
    }
    return uuid;
  }

  function replayed(uuid: string | undefined): Reply | undefined {
    if (!uuid) return undefined;
    const hit = uuids.get(uuid);
    if (!hit || now() - hit.at >= UUID_WINDOW_MS) return undefined;
    return ok(hit.data);
  }

  function messageData(m: StoredMessage): Record<string, unknown> {
    return {
      message_id: m.messageId,
      ...(m.rootId ? { root_id: m.rootId, parent_id: m.parentId } : {}),
      ...(m.threadId ? { thread_id: m.threadId } : {}),
      msg_type: m.msgType,
      create_time: String(m.createTime),
      update_time: String(m.createTime),
      deleted: false,
      updated: false,
      ...(m.chatId ? { chat_id: m.chatId } : {}),
      sender: { id: opts.appId, id_type: 'app_id', sender_type: 'app', tenant_key: tenantKey },
      body: { content: m.content },
    };
  }

  function store(m: Omit<StoredMessage, 'createTime' | 'messageId'>, uuid: string | undefined): StoredMessage {
    const stored: StoredMessage = { ...m, messageId: `om_${hex(16)}`, createTime: now() };
    messages.set(stored.messageId, stored);
    if (uuid) uuids.set(uuid, { at: stored.createTime, data: messageData(stored) });
    return stored;
  }

  function createMessage(ctx: Koa.Context, body: Record<string, unknown>, rawSize: number): Reply {
    const receiveIdType = typeof ctx.query.receive_id_type === 'string' ? ctx.query.receive_id_type : undefined;
    if (!receiveIdType || !RECEIVE_ID_TYPES.has(receiveIdType)) {
      throw new ApiError(400, 99992402, 'field validation failed', { field_violations: [{ field: 'receive_id_type', description: 'receive_id_type is required' }] });
    }
    const receiveId = body.receive_id;
    if (typeof receiveId !== 'string' || receiveId === '') {
      throw new ApiError(400, 99992402, 'field validation failed', { field_violations: [{ field: 'receive_id', description: 'receive_id is required' }] });
    }
    const prefix = receiveIdType === 'chat_id' ? 'oc_' : receiveIdType === 'open_id' ? 'ou_' : receiveIdType === 'union_id' ? 'on_' : '';
    if (!receiveId.startsWith(prefix)) {
      throw new ApiError(400, 230001, `Your request contains an invalid request parameter, ext=receive_id does not look like a ${receiveIdType}`);
    }
    const uuid = checkUuid(body.uuid);
    const content = parseContent(body.msg_type, body.content, rawSize);
    const again = replayed(uuid);
    if (again) return again;
    const chatId = receiveIdType === 'chat_id' ? receiveId : p2pChatOf(receiveId);
    if (receiveIdType !== 'chat_id') p2pChats.add(chatId);
    checkChat(chatId);
    const msgType = String(body.msg_type);
    const m = store({ chatId, msgType, content: String(body.content) }, uuid);
    record({ kind: 'create', chatId, messageId: m.messageId, msgType, content, receiveIdType, receiveId, arrivedAt: ctx.state.arrivedAt, ...(uuid ? { uuid } : {}) });
    return ok(messageData(m));
  }

  function replyMessage(parentId: string, body: Record<string, unknown>, rawSize: number): Reply {
    if (!parentId.startsWith('om_')) throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=invalid message_id');
    const uuid = checkUuid(body.uuid);
    const content = parseContent(body.msg_type, body.content, rawSize);
    const again = replayed(uuid);
    if (again) return again;
    const parent = messages.get(parentId);
    const chatId = parent?.chatId ?? inbound.get(parentId);
    if (chatId) checkChat(chatId);
    const inThread = body.reply_in_thread === true;
    const msgType = String(body.msg_type);
    const m = store(
      {
        ...(chatId ? { chatId } : {}),
        msgType,
        content: String(body.content),
        rootId: parent?.rootId ?? parentId,
        parentId,
        ...(inThread ? { threadId: parent?.threadId ?? `omt_${hex(8)}` } : {}),
      },
      uuid,
    );
    record({
      kind: 'reply',
      ...(chatId ? { chatId } : {}),
      replyTo: parentId,
      messageId: m.messageId,
      msgType,
      content,
      ...(uuid ? { uuid } : {}),
      ...(inThread ? { replyInThread: true } : {}),
    });
    return ok(messageData(m));
  }

  function patchMessage(messageId: string, body: Record<string, unknown>, rawSize: number): Reply {
    const m = messages.get(messageId);
    if (!m) throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=message not found in fake');
    if (m.msgType !== 'interactive') throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=only interactive messages can be patched');
    if (now() - m.createTime > PATCH_WINDOW_MS) throw new ApiError(400, 230031, 'The card can no longer be updated (older than 14 days).');
    const content = parseContent('interactive', body.content, rawSize);
    // Only shared cards can be updated for everyone, and they must stay shared.
    if (!isShared(JSON.parse(m.content)) || !isShared(content)) throw new ApiError(400, 230099, 'Failed to create card content, ext=only cards with config.update_multi true can be patched');
    const t = now();
    const recent = (patches.get(messageId) ?? []).filter((at) => t - at < 1000);
    if (recent.length >= PATCH_QPS) throw new ApiError(400, 230020, 'This operation triggers the frequency limit.');
    patches.set(messageId, [...recent, t]);
    m.content = String(body.content);
    record({ kind: 'patch', ...(m.chatId ? { chatId: m.chatId } : {}), messageId, msgType: 'interactive', content });
    return ok({});
  }

  function getUser(ctx: Koa.Context, openId: string): Reply {
    if (!contactScope) {
      throw new ApiError(400, 99991672, 'Access denied. One of the following scopes is required: [contact:contact.base:readonly, contact:contact:readonly_as_app, contact:contact:readonly, contact:user.base:readonly].', {
        permission_violations: [{ type: 'action_scope_required', subject: 'contact:user.base:readonly' }],
      });
    }
    const idType = ctx.query.user_id_type ?? 'open_id';
    if (idType !== 'open_id') throw new ApiError(400, 99992402, 'field validation failed', { field_violations: [{ field: 'user_id_type', description: 'the fake only knows open_id' }] });
    const user = users.get(openId);
    // Feishu answers 41050 for anyone outside the app's contact range, which includes ids it cannot see at all.
    if (!user) throw new ApiError(400, 41050, 'no user authority error');
    return ok({
      user: {
        open_id: openId,
        union_id: unionIdOf(openId),
        name: user.name,
        en_name: '',
        avatar: { avatar_72: '', avatar_240: '', avatar_640: '', avatar_origin: '' },
        status: { is_frozen: false, is_resigned: false, is_activated: true, is_exited: false, is_unjoin: false },
      },
    });
  }

  function uploadFile(ctx: Koa.Context, raw: Buffer): Reply {
    const boundary = boundaryOf(ctx.get('content-type'));
    if (!boundary) throw new ApiError(400, 234001, 'Invalid request param.');
    let parts: Part[];
    try {
      parts = parseMultipart(raw, boundary);
    } catch {
      throw new ApiError(400, 234001, 'Invalid request param.');
    }
    const field = (n: string) => parts.find((p) => p.name === n);
    const fileType = field('file_type')?.data.toString('utf8');
    const fileName = field('file_name')?.data.toString('utf8');
    const file = field('file');
    if (!fileType || !FILE_TYPES.has(fileType) || !fileName || !file) throw new ApiError(400, 234001, 'Invalid request param.');
    if (file.data.length === 0) throw new ApiError(400, 234010, "File's size can't be 0.");
    if (file.data.length > FILE_LIMIT) throw new ApiError(400, 234006, 'The file size exceed the max value.');
    const fileKey = `file_v3_${hex(16)}`;
    files.push({ fileKey, fileName, fileType, bytes: Buffer.from(file.data) });
    return ok({ file_key: fileKey });
  }

  function listMembers(ctx: Koa.Context, chatId: string): Reply {
    const chat = chats.get(chatId);
    if (!chat || !chat.botIn) throw new ApiError(400, 232011, 'Operator can NOT be out of the chat.');
    const pageSize = Math.min(Math.max(Number(ctx.query.page_size ?? 20) || 20, 1), 100);
    const start = Number(ctx.query.page_token ?? 0) || 0;
    const all = [...chat.members];
    const page = all.slice(start, start + pageSize);
    const hasMore = start + pageSize < all.length;
    return ok({
      items: page.map(([id, name]) => ({ member_id_type: 'open_id', member_id: id, name, tenant_key: tenantKey })),
      page_token: hasMore ? String(start + pageSize) : '',
      has_more: hasMore,
      member_total: all.length,
    });
  }

  function listChats(): Reply {
    const items = [...chats]
      .filter(([, c]) => c.botIn)
      .map(([chatId, c]) => ({ chat_id: chatId, name: c.name, avatar: '', description: '', owner_id: '', owner_id_type: 'open_id', external: false, tenant_key: tenantKey, chat_status: 'normal' }));
    return ok({ items, page_token: '', has_more: false });
  }

  async function route(ctx: Koa.Context): Promise<Reply> {
    const { method, path } = ctx;
    const p = path.replace(/\/+$/, '');
    const seg = (re: RegExp) => {
      const m = re.exec(p);
      return m?.[1] === undefined ? undefined : decodeURIComponent(m[1]);
    };

    if (method === 'POST' && p === '/open-apis/auth/v3/tenant_access_token/internal') {
      return issueToken(parseJson((await readBody(ctx)).toString('utf8')));
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
        return createMessage(ctx, body, size);
      };
    } else if (method === 'POST' && (id = seg(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/)) !== undefined) {
      const parent = id;
      handler = async () => {
        const { body, size } = await json();
        return replyMessage(parent, body, size);
      };
    } else if (method === 'PATCH' && (id = seg(/^\/open-apis\/im\/v1\/messages\/([^/]+)$/)) !== undefined) {
      const target = id;
      handler = async () => {
        const { body, size } = await json();
        return patchMessage(target, body, size);
      };
    } else if (method === 'POST' && p === '/open-apis/ephemeral/v1/send') {
      handler = async () => ephemeral.send((await json()).body);
    } else if (method === 'POST' && p === '/open-apis/ephemeral/v1/delete') {
      handler = async () => ephemeral.remove((await json()).body);
    } else if (method === 'GET' && (id = seg(/^\/open-apis\/contact\/v3\/users\/([^/]+)$/)) !== undefined) {
      const openId = id;
      handler = () => getUser(ctx, openId);
    } else if (method === 'GET' && p === '/open-apis/bot/v3/info') {
      handler = () => ({ status: 200, body: { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: '督办', avatar_url: '', ip_white_list: [], open_id: botOpenId } } });
    } else if (method === 'POST' && p === '/open-apis/im/v1/files') {
      handler = async () => uploadFile(ctx, await readBody(ctx, MULTIPART_LIMIT, new ApiError(400, 234006, 'The file size exceed the max value.')));
    } else if (method === 'GET' && (id = seg(/^\/open-apis\/im\/v1\/chats\/([^/]+)\/members$/)) !== undefined) {
      const chatId = id;
      handler = () => listMembers(ctx, chatId);
    } else if (method === 'GET' && p === '/open-apis/im/v1/chats') {
      handler = listChats;
    }

    if (!handler) return { status: 404, body: { code: 404, msg: 'not found in fake' } };
    authorize(ctx);
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

  const ephemeral = createEphemerals({ now, record, checkChat, isP2p: (chatId) => p2pChats.has(chatId) });

  const middleware = (): Koa.Middleware => async (ctx, next) => {
    if (ctx.path !== '/open-apis' && !ctx.path.startsWith('/open-apis/')) return next();
    await serve(ctx);
  };

  return {
    middleware,
    async listen(port = 0, host = '127.0.0.1') {
      const app = new Koa();
      app.use(middleware());
      const server = createServer(app.callback());
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
            server.close((err) => (err ? reject(err) : resolve()));
            server.closeAllConnections();
          }),
      };
    },
    sent,
    requests,
    files,
    faults,
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
    setChatMembers(chatId, members, o = {}) {
      const entries: [string, string][] = Array.isArray(members)
        ? members.map((id) => [id, users.get(id)?.name ?? id])
        : Object.entries(members);
      chats.set(chatId, { name: o.name ?? chats.get(chatId)?.name ?? chatId, members: new Map(entries), botIn: o.botIn ?? true });
    },
    contentOf(messageId) {
      const m = messages.get(messageId);
      return m ? JSON.parse(m.content) : undefined;
    },
    ephemerals() {
      return [...ephemeral.cards.values()];
    },
    setUser(openId, user) {
      users.set(openId, user);
    },
    setContactScope(granted) {
      contactScope = granted;
    },
    recordInbound(messageId, chatId) {
      inbound.set(messageId, chatId);
    },
    expireTokens() {
      tokens.clear();
      currentToken = undefined;
    },
    reset() {
      sent.length = 0;
      requests.length = 0;
      files.length = 0;
      messages.clear();
      inbound.clear();
      uuids.clear();
      faults.clear();
      patches.clear();
      ephemeral.reset();
    },
  };
}

