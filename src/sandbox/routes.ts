import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Router from '@koa/router';
import type { Store } from '../../storage/store.js';
import type { Job, JobDeps } from '../jobs/types.js';
import { p2pChatOf, type OpenPlatform, type SentMessage } from './open-platform.js';
import { SANDBOX_CHATS, SANDBOX_PEOPLE } from './roster.js';
import { cardActionEvent, messageEvent, newEventId, newMessageId, post, toRequest, type WireKeys } from './wire.js';

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'page');
const STATIC: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'cards.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** One line of a sandbox conversation: what a visitor typed, or what the bot sent. */
interface Line {
  seq: number;
  chatId: string;
  at: string;
  from: 'user' | 'bot';
  personId?: string;
  name?: string;
  messageId: string;
  replyTo?: string;
  msgType: string;
  content: unknown;
}

/**
 * The sandbox page and its API (local mode only). Messages typed on the page become real, encrypted and signed
 * Feishu events POSTed to our own webhook; what the bot sends is read back from the in-process Open Platform.
 */
export function createSandboxRoutes(deps: {
  platform: OpenPlatform;
  keys: WireKeys;
  botOpenId: string;
  webhookUrl: () => string;
  store: Store;
  clock: () => Date;
  jobs: readonly Job[];
  jobDeps: JobDeps;
  onJobRan: () => void;
}): Router {
  const router = new Router({ prefix: '/sandbox' });
  const lines: Line[] = [];
  let seq = 0;
  const chatOfPerson = (openId: string) => p2pChatOf(openId);

  deps.platform.on('message', (m: SentMessage) => {
    const chatId = m.chatId ?? (m.receiveIdType === 'open_id' && m.receiveId ? chatOfPerson(m.receiveId) : undefined);
    if (!chatId || m.kind === 'patch') return;
    lines.push({ seq: ++seq, chatId, at: m.at.toISOString(), from: 'bot', messageId: m.messageId, replyTo: m.replyTo, msgType: m.msgType, content: m.content });
  });

  router.get('/', (ctx) => ctx.redirect('/sandbox/index.html'));
  router.get('/:file', async (ctx, next) => {
    const type = STATIC[ctx.params.file ?? ''];
    if (!type) return next();
    ctx.type = type;
    ctx.body = await readFile(join(PAGE_DIR, ctx.params.file!));
  });

  router.get('/api/state', async (ctx) => {
    const people = await deps.store.read(async (tx) =>
      Promise.all(
        SANDBOX_PEOPLE.map(async (p) => {
          const stored = await tx.getPerson(p.openId);
          const branch = stored?.branchId ? await tx.getBranch(stored.branchId) : undefined;
          return { id: p.openId, name: p.name, role: stored?.role ?? p.role, branch: branch?.name ?? p.branch ?? '' };
        }),
      ),
    );
    const chats = [
      ...SANDBOX_CHATS.map((c) => ({ id: c.id, name: c.name, kind: c.kind })),
      ...SANDBOX_PEOPLE.map((p) => ({ id: chatOfPerson(p.openId), name: `与督办私聊（${p.name}）`, kind: 'p2p', personId: p.openId })),
    ];
    ctx.body = { now: deps.clock().toISOString(), people, chats, jobs: deps.jobs.map((j) => ({ name: j.name, label: j.label, time: j.time })) };
  });

  router.get('/api/messages', (ctx) => {
    const after = Number(ctx.query.after ?? 0);
    ctx.body = { lines: lines.filter((l) => l.seq > after) };
  });

  router.post('/api/send', async (ctx) => {
    const body = await readJson(ctx.req);
    const person = SANDBOX_PEOPLE.find((p) => p.openId === body.personId);
    const text = String(body.text ?? '').trim();
    const chatId = String(body.chatId ?? '');
    const p2p = person && chatId === chatOfPerson(person.openId);
    if (!person || !text || (!p2p && !SANDBOX_CHATS.some((c) => c.id === chatId))) {
      ctx.status = 400;
      ctx.body = { error: '请选择人员和会话，并输入消息' };
      return;
    }
    // In a group the visitor's message @-mentions the bot first, as Feishu delivers it; @名字 of roster people become mentions.
    const mentions: { key: string; openId: string; name: string }[] = [];
    let wire = text;
    if (!p2p) {
      mentions.push({ key: '@_user_1', openId: deps.botOpenId, name: '督办' });
      wire = `@_user_1 ${wire}`;
    }
    for (const p of [...SANDBOX_PEOPLE].sort((a, b) => b.name.length - a.name.length)) {
      if (!wire.includes(`@${p.name}`)) continue;
      const key = `@_user_${mentions.length + 1}`;
      mentions.push({ key, openId: p.openId, name: p.name });
      wire = wire.split(`@${p.name}`).join(key);
    }
    const messageId = newMessageId();
    deps.platform.recordInbound(messageId, chatId);
    const now = deps.clock();
    lines.push({ seq: ++seq, chatId, at: now.toISOString(), from: 'user', personId: person.openId, name: person.name, messageId, msgType: 'text', content: { text } });
    const event = messageEvent(deps.keys, { text: wire, senderOpenId: person.openId, chatId, chatType: p2p ? 'p2p' : 'group', messageId, eventId: newEventId(), mentions, createTime: now });
    const res = await post(deps.webhookUrl(), toRequest(deps.keys, event, { timestamp: Math.floor(now.getTime() / 1000) }));
    ctx.status = res.status === 200 ? 200 : 502;
    ctx.body = { messageId, webhook: res.status };
  });

  router.post('/api/card', async (ctx) => {
    const body = await readJson(ctx.req);
    const person = SANDBOX_PEOPLE.find((p) => p.openId === body.personId);
    const line = lines.find((l) => l.messageId === body.messageId && l.from === 'bot');
    if (!person || !line || typeof body.value !== 'object' || body.value === null) {
      ctx.status = 400;
      ctx.body = { error: '无效的卡片操作' };
      return;
    }
    const now = deps.clock();
    const event = cardActionEvent(deps.keys, {
      operatorOpenId: person.openId,
      value: body.value as Record<string, unknown>,
      formValue: (body.formValue as Record<string, unknown> | undefined) ?? undefined,
      chatId: line.chatId,
      messageId: line.messageId,
      eventId: newEventId(),
    });
    const res = await post(deps.webhookUrl().replace(/event$/, 'card'), toRequest(deps.keys, event, { timestamp: Math.floor(now.getTime() / 1000) }));
    ctx.status = res.status === 200 ? 200 : 502;
    ctx.body = res.json ?? {};
  });

  router.post('/api/jobs/:name/run', async (ctx) => {
    const job = deps.jobs.find((j) => j.name === ctx.params.name);
    const body = await readJson(ctx.req);
    const at = body.at ? new Date(String(body.at)) : deps.clock();
    if (!job || Number.isNaN(at.getTime())) {
      ctx.status = job ? 400 : 404;
      ctx.body = { error: job ? '时间格式不正确' : '没有这个任务' };
      return;
    }
    ctx.body = await job.run(at, deps.jobDeps);
    deps.onJobRan();
  });

  router.get('/api/files/:key', (ctx) => {
    const f = deps.platform.files.find((x) => x.fileKey === ctx.params.key);
    if (!f) {
      ctx.status = 404;
      return;
    }
    ctx.attachment(f.fileName);
    ctx.body = f.bytes;
  });

  return router;
}

async function readJson(req: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 256 * 1024) return {};
    chunks.push(c as Buffer);
  }
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    return typeof v === 'object' && v !== null ? v : {};
  } catch {
    return {};
  }
}
