import Router from '@koa/router';
import type { Command } from '../../commands/types.js';
import type { Store } from '../../storage/store.js';
import type { Job, JobDeps } from '../jobs/types.js';
import { toLocalDate } from '../../commands/shared/calendar.js';
import { parsePeriodWord } from '../../commands/shared/periods.js';
import { readBureau, readBureauFigures } from './bureau-view.js';
import type { SandboxClock } from './clock.js';
import { createConversation } from './conversation.js';
import { DEMO_MARK } from './demo-roster.js';
import type { OpenPlatform } from './open-platform.js';
import { servePageFiles } from './page-files.js';
import { sameOriginOnly, type SandboxOrigin } from './same-origin.js';
import { nextSendingTime, nextSlot } from './sending-time.js';
import { cardActionEvent, messageEvent, newEventId, newMessageId, post, toRequest, type WireKeys } from './wire.js';

/**
 * The sandbox page and its API (local mode only). Messages typed on the page become real, encrypted and signed
 * Feishu events POSTed to our own webhook; what the bot sends is read back from the in-process Open Platform.
 */
export function createSandboxRoutes(deps: {
  platform: OpenPlatform;
  keys: WireKeys;
  botOpenId: string;
  webhookUrl: () => string;
  /** In long-connection mode the stand-in platform pushes events over the WebSocket instead, and the ACK carries the answer. */
  push?: (event: object) => Promise<{ answer?: unknown }>;
  store: Store;
  clock: SandboxClock;
  jobs: readonly Job[];
  jobDeps: JobDeps;
  /** The registered commands: the page suggests each one's first example to the roles that may use it. */
  commands: readonly Command[];
  onJobRan: () => void;
  dataFile: string;
  /** Configured job times (`HH:MM`) overriding each job's default. */
  times?: Record<string, string>;
  /** The bound port and whether remote use was allowed: the page and its API answer only same-origin loopback requests. */
  origin: SandboxOrigin;
}): Router {
  const router = new Router({ prefix: '/sandbox' });
  router.use(sameOriginOnly(deps.origin));
  const talk = createConversation(deps.platform, deps.clock.now);
  const bureau = async () => {
    const b = await deps.store.read(readBureau);
    // The contact API of the stand-in platform answers with the store's names, as a real tenant's directory would.
    for (const p of b.people) deps.platform.setUser(p.id, { name: p.name });
    return b;
  };
  const timestamp = () => Math.floor(deps.clock.now().getTime() / 1000);
  const deliver = async (event: object, url: string): Promise<{ status: number; json?: unknown }> => {
    if (!deps.push) return post(url, toRequest(deps.keys, event, { timestamp: timestamp() }));
    return deps.push(event).then((ack) => ({ status: 200, json: ack.answer ?? {} }), () => ({ status: 502 }));
  };

  servePageFiles(router);

  router.get('/api/state', async (ctx) => {
    const now = deps.clock.now();
    const { people, chats } = await bureau();
    const [demo, problems] = await deps.store.read(async (tx) => [(await tx.listAudit(DEMO_MARK)).length > 0, (await tx.listProblems()).length] as const);
    // The figures panel: the bureau's and each branch's figures for a period (?period=本季度; 本月 unless named), as /进度 computes them.
    const today = toLocalDate(now);
    const period = parsePeriodWord(typeof ctx.query.period === 'string' ? ctx.query.period : '本月', today) ?? parsePeriodWord('本月', today)!;
    const figures = await deps.store.view((tx) => readBureauFigures(tx, { period, asOf: period.end < today ? period.end : today }));
    ctx.body = {
      now: now.toISOString(),
      offsetMs: deps.clock.offset(),
      defaultAt: nextSendingTime(now).toISOString(),
      dataFile: deps.dataFile,
      demo,
      people,
      chats,
      commands: deps.commands.map((c) => ({ name: c.name, roles: c.roles, examples: c.examples })),
      nextProblem: problems + 1,
      figures: { period: period.label, ...figures },
      jobs: deps.jobs.map((j) => {
        const time = deps.times?.[j.name] ?? j.time;
        return { name: j.name, label: j.label, time, next: nextSlot(j, now, time)?.toISOString() };
      }),
    };
  });

  router.get('/api/messages', (ctx) => {
    ctx.body = { lines: talk.after(Number(ctx.query.after ?? 0)) };
  });

  router.post('/api/send', async (ctx) => {
    const body = await readJson(ctx.req);
    const { people, chats } = await bureau();
    const person = people.find((p) => p.id === body.personId);
    const chat = chats.find((c) => c.id === body.chatId);
    const text = String(body.text ?? '').trim();
    if (!person || !chat || !text) {
      ctx.status = 400;
      ctx.body = { error: '请选择人员和会话，并输入消息' };
      return;
    }
    if (!chat.members.includes(person.id)) {
      ctx.status = 403;
      ctx.body = { error: `${person.name} 不在「${chat.name}」里，请换一个人或会话` };
      return;
    }
    const p2p = chat.kind === 'p2p';
    // In a group the visitor's message @-mentions the bot first, as Feishu delivers it; @名字 of known people become mentions.
    const mentions: { key: string; openId: string; name: string }[] = [];
    let wire = text;
    if (!p2p) {
      mentions.push({ key: '@_user_1', openId: deps.botOpenId, name: '督办' });
      wire = `@_user_1 ${wire}`;
    }
    for (const p of [...people].sort((a, b) => b.name.length - a.name.length)) {
      if (!wire.includes(`@${p.name}`)) continue;
      const key = `@_user_${mentions.length + 1}`;
      mentions.push({ key, openId: p.id, name: p.name });
      wire = wire.split(`@${p.name}`).join(key);
    }
    const messageId = newMessageId();
    deps.platform.recordInbound(messageId, chat.id);
    const now = deps.clock.now();
    talk.addUser({ chatId: chat.id, at: now.toISOString(), personId: person.id, name: person.name, messageId, msgType: 'text', content: { text } });
    const event = messageEvent(deps.keys, { text: wire, senderOpenId: person.id, chatId: chat.id, chatType: p2p ? 'p2p' : 'group', messageId, eventId: newEventId(), mentions, createTime: now });
    const res = await deliver(event, deps.webhookUrl());
    ctx.status = res.status === 200 ? 200 : 502;
    ctx.body = { messageId, webhook: res.status };
  });

  router.post('/api/card', async (ctx) => {
    const body = await readJson(ctx.req);
    const { people } = await bureau();
    const person = people.find((p) => p.id === body.personId);
    const line = talk.botMessage(String(body.messageId ?? ''));
    if (!person || !line || typeof body.value !== 'object' || body.value === null) {
      ctx.status = 400;
      ctx.body = { error: '无效的卡片操作' };
      return;
    }
    const event = cardActionEvent(deps.keys, {
      operatorOpenId: person.id,
      value: body.value as Record<string, unknown>,
      ...(body.formValue && typeof body.formValue === 'object' ? { formValue: body.formValue as Record<string, unknown> } : {}),
      ...(typeof body.name === 'string' && body.name ? { name: body.name } : {}),
      chatId: line.chatId,
      messageId: line.messageId,
      eventId: newEventId(),
    });
    const res = await deliver(event, deps.webhookUrl().replace(/event$/, 'card'));
    const answer = (res.json ?? {}) as { card?: { type?: string; data?: unknown } };
    // Feishu replaces the card with the one in the answer; the page's record of it follows, so a reload shows it too.
    if (answer.card?.type === 'raw' && answer.card.data) talk.replaceCard(line.messageId, answer.card.data, deps.clock.now());
    ctx.status = res.status === 200 ? 200 : 502;
    ctx.body = answer;
  });

  router.post('/api/clock', async (ctx) => {
    const body = await readJson(ctx.req);
    if (body.reset) deps.clock.reset();
    else {
      const at = new Date(String(body.at ?? ''));
      if (Number.isNaN(at.getTime())) {
        ctx.status = 400;
        ctx.body = { error: '时间格式不正确' };
        return;
      }
      deps.clock.set(at);
    }
    ctx.body = { now: deps.clock.now().toISOString(), offsetMs: deps.clock.offset() };
  });

  // Running a job as of a moment moves the bot's clock there, so what it queues is due (and not yet expired) at once.
  router.post('/api/jobs/:name/run', async (ctx) => {
    const job = deps.jobs.find((j) => j.name === ctx.params.name);
    const body = await readJson(ctx.req);
    const at = body.at ? new Date(String(body.at)) : deps.clock.now();
    if (!job || Number.isNaN(at.getTime())) {
      ctx.status = job ? 400 : 404;
      ctx.body = { error: job ? '时间格式不正确' : '没有这个任务' };
      return;
    }
    deps.clock.set(at);
    const report = await job.run(deps.clock.now(), deps.jobDeps);
    deps.onJobRan();
    const { chats } = await bureau();
    const where = (to: string) => chats.find((c) => c.id === to)?.name ?? chats.find((c) => c.personId === to)?.name ?? to;
    ctx.body = { ...report, sent: report.sent.map((s) => ({ ...s, where: where(s.to) })), now: deps.clock.now().toISOString(), offsetMs: deps.clock.offset() };
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
