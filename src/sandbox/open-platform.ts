import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createPrng } from './prng.js';

/** Settings for the fake Open Platform; `appId` must look like `cli_` + 16 hex or the SDK's WSClient refuses it. */
export interface PlatformOptions {
  appId: string;
  appSecret: string;
  users?: Record<string, { name: string }>;
  /** Default true; false makes the contact API answer HTTP 400 code 99991672 (scope missing). */
  contactScope?: boolean;
  botOpenId?: string;
  /** Clock in epoch ms, so token expiry and the one-hour uuid window can be tested. */
  now?: () => number;
}

/** One message the fake accepted, with `content` already JSON-parsed. */
export interface SentMessage {
  seq: number;
  kind: 'create' | 'reply' | 'patch';
  chatId?: string;
  replyTo?: string;
  messageId: string;
  msgType: string;
  content: unknown;
  uuid?: string;
  at: Date;
  receiveIdType?: string;
  receiveId?: string;
  replyInThread?: boolean;
  /** When the request that produced it reached the platform (before any injected delay): what rate limits count. */
  arrivedAt?: Date;
}

/** One request as the fake saw it; `status` 0 means the socket was reset by a fault. */
export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  at: Date;
  status: number;
  fault: boolean;
}

/** One uploaded file, bytes as received. */
export interface StoredFile {
  fileKey: string;
  fileName: string;
  fileType: string;
  bytes: Buffer;
}

/** A canned gateway answer; without `status` the request is only delayed and then served normally. */
export interface FaultReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Destroy the socket instead of answering (the client sees ECONNRESET / socket hang up). */
  reset?: boolean;
  /** Only requests with this method match (default any). */
  method?: string;
}

/** Random fault injection; the PRNG is seeded so a failing run can be replayed. */
export interface RandomFaults {
  rate: number;
  path?: RegExp;
  replies?: FaultReply[];
  seed?: number;
}

/** Fault controls; matching is on the URL path without the query string. */
export interface Faults {
  next(path: RegExp, reply: FaultReply, times?: number): void;
  random(opts: RandomFaults | null): void;
  clear(): void;
  pending(): number;
}

/** A running fake with its own server. */
export interface ListeningPlatform {
  url: string;
  close(): Promise<void>;
}

/** The fake Feishu Open Platform: mount `middleware()` or call `listen()`, then inspect what the bot did. */
export interface OpenPlatform {
  middleware(): Koa.Middleware;
  listen(port?: number, host?: string): Promise<ListeningPlatform>;
  readonly sent: SentMessage[];
  readonly requests: RecordedRequest[];
  readonly files: StoredFile[];
  readonly faults: Faults;
  on(event: 'message', fn: (m: SentMessage) => void): () => void;
  /** Resolves with the first already-sent or future message matching `pred` (filter on `seq` to skip old ones). */
  waitFor(pred: (m: SentMessage) => boolean, timeoutMs?: number): Promise<SentMessage>;
  /** Declares a chat's members; with `botIn: false` sends to it fail with 230002. */
  setChatMembers(chatId: string, members: Record<string, string> | string[], opts?: { botIn?: boolean; name?: string }): void;
  setUser(openId: string, user: { name: string }): void;
  setContactScope(granted: boolean): void;
  /** Tells the fake which chat an inbound message lives in, so replies to it carry a `chatId`. */
  recordInbound(messageId: string, chatId: string): void;
  /** Invalidates every issued token, so the next call with a cached token gets 99991663. */
  expireTokens(): void;
  /** Forgets sent messages, requests, files, uuids and faults; keeps users, chats and tokens. */
  reset(): void;
}

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

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(msg);
  }
}

const KB = 1024;
const TEXT_LIMIT = 150 * KB;
const CARD_LIMIT = 30 * KB;
const FILE_LIMIT = 30 * KB * KB;
const MULTIPART_LIMIT = FILE_LIMIT + 2 * KB * KB;
const JSON_LIMIT = 4 * KB * KB;
const UUID_WINDOW_MS = 60 * 60 * 1000;
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

  interface QueuedFault {
    path: RegExp;
    reply: FaultReply;
    left: number;
  }
  let queued: QueuedFault[] = [];
  let randomFaults: (RandomFaults & { nextFloat: () => number }) | null = null;

  const faults: Faults = {
    next(path, reply, times = 1) {
      queued.push({ path, reply, left: times });
    },
    random(o) {
      randomFaults = o ? { ...o, nextFloat: createPrng(o.seed ?? 1).next } : null;
    },
    clear() {
      queued = [];
      randomFaults = null;
    },
    pending() {
      return queued.reduce((n, f) => n + f.left, 0);
    },
  };

  function pickFault(method: string, path: string): FaultReply | undefined {
    const methodOk = (r: FaultReply) => !r.method || r.method.toUpperCase() === method;
    const q = queued.find((f) => f.left > 0 && f.path.test(path) && methodOk(f.reply));
    if (q) {
      q.left -= 1;
      queued = queued.filter((f) => f.left > 0);
      return q.reply;
    }
    const r = randomFaults;
    if (r && (!r.path || r.path.test(path)) && r.nextFloat() < r.rate) {
      const replies = r.replies?.length ? r.replies : [{ status: 429 }, { status: 500 }];
      const reply = replies[Math.floor(r.nextFloat() * replies.length)];
      if (reply && methodOk(reply)) return reply;
    }
    return undefined;
  }

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
    if (now() - m.createTime > 14 * 24 * 3600 * 1000) throw new ApiError(400, 230031, 'The card can no longer be updated (older than 14 days).');
    const content = parseContent('interactive', body.content, rawSize);
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
    },
  };
}

function ok(data: unknown): Reply {
  return { status: 200, body: { code: 0, msg: 'success', data } };
}

function faultReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  if (status === 429) {
    return {
      status,
      body: body ?? { code: 99991400, msg: 'request trigger frequency limit' },
      headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1', ...headers },
    };
  }
  return { status, body: body ?? { code: -1, msg: `injected fault: HTTP ${status}` }, headers };
}

function checkCard(card: Record<string, unknown>): void {
  if (card.type === 'template') return;
  if (card.schema === '2.0') {
    // JSON 2.0 moved elements under body; a top-level list is a 1.0 habit Feishu rejects.
    if ('elements' in card) throw new ApiError(400, 230099, 'Failed to create card content, ext=schema 2.0 card has top-level elements');
    const body = card.body;
    const elements = isRecord(body) ? body.elements : undefined;
    if (!Array.isArray(elements)) throw new ApiError(400, 230099, 'Failed to create card content, ext=schema 2.0 card needs body.elements');
    if (elements.filter((e) => isRecord(e) && e.tag === 'table').length > 5) {
      throw new ApiError(400, 230099, 'Failed to create card content, ext=more than 5 tables');
    }
  }
  if (countComponents(card) > 200) throw new ApiError(400, 11310, 'card element exceeds the limit (200 components)');
}

function countComponents(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, x) => n + countComponents(x), 0);
  if (!isRecord(node)) return 0;
  let n = typeof node.tag === 'string' ? 1 : 0;
  for (const v of Object.values(node)) n += countComponents(v);
  return n;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ApiError(400, 9499, 'Invalid parameter type in json: body is not valid JSON');
  }
  if (!isRecord(v)) throw new ApiError(400, 9499, 'Invalid parameter type in json: body must be an object');
  return v;
}

async function readBody(ctx: Koa.Context, limit = JSON_LIMIT, tooBig = new ApiError(400, 230025, 'The length of the message content reaches its limit.')): Promise<Buffer> {
  const request = ctx.request as unknown as { rawBody?: unknown; body?: unknown };
  // A body parser mounted earlier may already have drained the stream.
  if (typeof request.rawBody === 'string') return Buffer.from(request.rawBody);
  if (ctx.req.readableEnded) return request.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(request.body));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size <= limit) chunks.push(b);
  }
  if (size > limit) throw tooBig;
  return Buffer.concat(chunks);
}

interface Part {
  name: string;
  filename?: string;
  data: Buffer;
}

function boundaryOf(contentType: string): string | undefined {
  if (!/^multipart\/form-data/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/** Parses a fully buffered multipart/form-data body (RFC 7578); throws on anything malformed. */
function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('no opening boundary');
  pos += delimiter.length;
  const parts: Part[] = [];
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing "--"
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new Error('boundary not followed by CRLF');
    pos += 2;
    let dataStart: number;
    let headerText = '';
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) {
      dataStart = pos + 2;
    } else {
      const headerEnd = body.indexOf('\r\n\r\n', pos);
      if (headerEnd < 0) throw new Error('unterminated part headers');
      headerText = body.subarray(pos, headerEnd).toString('utf8');
      dataStart = headerEnd + 4;
    }
    const end = body.indexOf(nextDelimiter, dataStart);
    if (end < 0) throw new Error('unterminated part');
    const disposition = headerText.split('\r\n').find((l) => /^content-disposition\s*:/i.test(l)) ?? '';
    const params = dispositionParams(disposition);
    const name = params.get('name');
    if (name === undefined) throw new Error('part without a name');
    const filename = params.get('filename');
    parts.push({ name, ...(filename === undefined ? {} : { filename }), data: body.subarray(dataStart, end) });
    pos = end + nextDelimiter.length;
  }
}

function dispositionParams(line: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const key = (m[1] ?? '').toLowerCase();
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    if (key === 'filename*') {
      const ext = /^([^']*)'[^']*'(.*)$/.exec(value);
      if (ext?.[2] !== undefined) params.set('filename', decodeURIComponent(ext[2]));
    } else if (!(key === 'filename' && params.has('filename'))) {
      params.set(key, value);
    }
  }
  return params;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

