import { afterEach, describe, expect, it } from 'vitest';
import type { SentMessage } from '../../src/sandbox/open-platform.js';
import { buttons } from '../support/card-buttons.js';
import { Harness, textOf } from '../support/harness.js';

let h: Harness;
let now = new Date('2026-11-20T10:00:00+08:00');
const clock = () => now;
afterEach(async () => {
  await h?.close();
  now = new Date('2026-11-20T10:00:00+08:00');
});

interface CardJson {
  header?: { title?: { content?: string }; template?: string };
  body?: { elements?: unknown[] };
}


async function setup() {
  h = await Harness.start({ clock, adminToken: 'tok' });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const sec = h.person('王书记');
  const zhang = h.person('张三');
  const li = h.person('李四');
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, chat, '/任命 @王书记 书记');
  await h.say(admin, chat, '/任命 @张三 党员');
  await h.say(admin, chat, '/任命 @李四 党员');
  await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-31 负责人:@张三');
  await h.say(zhang, chat, '/措施 P1 建设数据共享交换平台 时限:2026-11-27 负责人:@李四');
  return { admin, chat, sec, zhang, li };
}

/** Asks for close-out in the branch chat and answers the one message it produced: the review card. */
async function requestCloseOut(chat: string, zhang: { name: string; openId: string }, li: { name: string; openId: string }): Promise<SentMessage> {
  await h.say(li, chat, '/整改 P1-1 完成 平台已上线');
  const before = h.platform.sent.length;
  const ev = h.event(zhang, chat, '/销号 P1 已上线运行，附验收报告');
  await h.deliver(ev.body);
  await h.app.settle();
  const produced = h.platform.sent.slice(before);
  expect(produced.map((m) => m.msgType)).toEqual(['interactive']);
  expect(produced[0]!.replyTo).toBe(ev.messageId);
  return produced[0]!;
}

const stored = (m: SentMessage) => h.platform.contentOf(m.messageId) as CardJson;

describe('cards that tell the truth', () => {
  it('posts one message per /销号 and, when the close-out is rejected by command, turns the review card red without buttons and tells the requester why', async () => {
    const { chat, sec, zhang, li } = await setup();
    const review = await requestCloseOut(chat, zhang, li);
    expect(buttons(review.content).map((b) => b.text)).toEqual(['通过', '驳回']);

    now = new Date('2026-12-03T10:15:00+08:00');
    await h.say(sec, chat, '/审核 P1 驳回 缺少验收报告原件');
    await h.app.settle();
    const card = stored(review);
    expect(card.header?.template).toBe('red');
    expect(card.header?.title?.content).toMatch(/^已驳回 · /);
    expect(buttons(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('王书记 于 12-03 10:15 驳回销号申请：缺少验收报告原件');
    expect(text).not.toContain('✅');
    expect(text).not.toContain('/审核 P1 驳回');
    expect(h.platform.sent.filter((m) => m.kind === 'patch' && m.messageId === review.messageId)).toHaveLength(1);

    const dm = h.texts((m) => m.receiveId === zhang.openId);
    expect(dm.some((t) => t.includes('P1 的销号申请被 王书记 驳回') && t.includes('缺少验收报告原件'))).toBe(true);
  });

  it('turns the review card green when approved by button, and grey when the problem is withdrawn', async () => {
    const { chat, sec, zhang, li, admin } = await setup();
    const review = await requestCloseOut(chat, zhang, li);
    const approve = buttons(review.content).find((b) => b.text === '通过')!;
    const res = await h.press(sec, review, approve.value);
    expect((res.json as { toast: { type: string } }).toast.type).toBe('success');
    await h.app.settle();
    const card = stored(review);
    expect(card.header?.template).toBe('green');
    expect(card.header?.title?.content).toMatch(/^已通过 · /);
    expect(buttons(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('王书记 于 11-20 10:00 审核通过，已整改销号');

    await h.say(zhang, chat, '/问题 数据开放目录不全 责任单位:数据资源科 时限:2026-12-31 负责人:@张三');
    await h.say(zhang, chat, '/延期 P2 2027-01-29 省级平台升级推迟');
    await h.app.settle();
    const ext = h.platform.sent.filter((m) => m.msgType === 'interactive' && textOf(m).includes('申请 P2 延期')).at(-1)!;
    await h.say(admin, chat, '/作废 P2 重复登记');
    await h.app.settle();
    expect(stored(ext).header?.template).toBe('grey');
    expect(buttons(stored(ext))).toEqual([]);
  });

  it('opens a form only for the presser (ephemeral), refuses at the first press someone who may not act, and deletes the form after submit', async () => {
    const { chat, li } = await setup();
    now = new Date('2026-11-26T09:00:00+08:00');
    const run = await fetch(`${h.app.url}/admin/jobs/reminders/run`, { method: 'POST', headers: { authorization: 'Bearer tok' }, body: JSON.stringify({ at: now.toISOString() }) });
    expect(run.status).toBe(200);
    await h.app.settle();
    const reminder = h.platform.sent.filter((m) => m.chatId === chat && textOf(m).includes('督办提醒')).at(-1)!;
    const shared = JSON.stringify(h.platform.contentOf(reminder.messageId));
    const done = buttons(reminder.content).find((b) => b.text === '标记完成')!;

    const outsider = h.person('孙六');
    await h.say(h.person('王主任'), chat, '/任命 @孙六 党员');
    const refused = await h.press(outsider, reminder, done.value);
    expect((refused.json as { toast: { type: string; content: string } }).toast).toMatchObject({ type: 'error', content: expect.stringMatching(/只有 P1-1 的负责人/) });
    await h.app.settle();
    expect(h.platform.ephemerals()).toEqual([]);

    const opened = await h.press(li, reminder, done.value);
    expect((opened.json as { card?: unknown }).card).toBeUndefined();
    await h.app.settle();
    const [form] = h.platform.ephemerals();
    expect(form).toMatchObject({ chatId: chat, openId: li.openId, deleted: false });
    expect(JSON.stringify(h.platform.contentOf(reminder.messageId))).toBe(shared);

    const formMessage = h.platform.sent.find((m) => m.kind === 'ephemeral')!;
    const submit = buttons(form!.card).find((b) => b.value.a === 'submit')!;
    const ok = await h.press(li, formMessage, submit.value, { formValue: { note: '平台已上线运行' } });
    expect((ok.json as { toast: { type: string } }).toast.type).toBe('success');
    await h.app.settle();
    expect(h.platform.ephemerals()[0]!.deleted).toBe(true);
    const updated = JSON.stringify(h.platform.contentOf(reminder.messageId));
    expect(updated).toContain('李四 于 11-26 09:00 标记完成：平台已上线运行');
    expect(buttons(JSON.parse(updated)).filter((b) => b.value.ref === 'P1-1')).toEqual([]);
  });
});
