import { afterEach, describe, expect, it } from 'vitest';
import type { SentMessage } from '../../src/sandbox/open-platform.js';
import { buttons } from '../support/card-buttons.js';
import { Harness, textOf } from '../support/harness.js';

let h: Harness;
let now = new Date('2026-11-20T10:00:00+08:00');
const clock = () => now;
afterEach(async () => {
  await h?.close();
});



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

async function reminderCard(chat: string): Promise<SentMessage> {
  now = new Date('2026-11-26T09:00:00+08:00');
  const res = await fetch(`${h.app.url}/admin/jobs/reminders/run`, { method: 'POST', headers: { authorization: 'Bearer tok' }, body: JSON.stringify({ at: now.toISOString() }) });
  expect(res.status).toBe(200);
  await h.app.settle();
  const card = h.platform.sent.filter((m) => m.chatId === chat && m.msgType === 'interactive' && textOf(m).includes('督办提醒')).at(-1);
  expect(card).toBeDefined();
  return card!;
}

describe('buttons on cards', () => {
  it('marks a measure done from a reminder card exactly as /整改 … 完成 would, once', async () => {
    const { chat, li } = await setup();
    const card = await reminderCard(chat);
    const done = buttons(card.content).find((b) => b.text === '标记完成')!;
    expect(done.value).toEqual({ a: 'form', form: 'done', ref: 'P1-1' });
    expect(buttons(card.content).map((b) => b.text)).toEqual(['更新进展', '标记完成']);

    // The first press sends the presser a one-input form only they see; nothing is recorded yet.
    const opened = await h.press(li, card, done.value);
    expect(opened.status).toBe(200);
    await h.app.settle();
    const formMessage = h.platform.sent.find((m) => m.kind === 'ephemeral' && m.openId === li.openId)!;
    const submit = buttons(formMessage.content).find((b) => b.value.a === 'submit')!;
    expect(JSON.stringify(formMessage.content)).toContain('"tag":"form"');
    expect((await h.app.store.read((tx) => tx.getMeasure('P1-1')))!.status).toBe('整改中');

    // An empty form is refused with a toast.
    const empty = await h.press(li, formMessage, submit.value, { formValue: { note: ' ' } });
    expect(empty.json).toEqual({ toast: { type: 'error', content: '请填写「完成情况说明」' } });

    const eventId = 'e'.repeat(32);
    const ok = await h.press(li, formMessage, submit.value, { formValue: { note: '平台已上线运行' }, eventId });
    const answer = ok.json as { toast: { type: string; content: string } };
    expect(answer.toast.type).toBe('success');
    expect(answer.toast.content).toContain('P1-1');
    await h.app.settle();
    expect(JSON.stringify(h.platform.contentOf(card.messageId))).toContain('✅ 李四 于 11-26 09:00 标记完成：平台已上线运行');
    const m = await h.app.store.read((tx) => tx.getMeasure('P1-1'));
    expect(m).toMatchObject({ status: '已完成', done: { by: li.openId, note: '平台已上线运行' } });
    expect(m!.history.filter((e) => e.action === 'measure-done')).toHaveLength(1);

    // Feishu repeating the same callback changes nothing.
    const again = await h.press(li, formMessage, submit.value, { formValue: { note: '平台已上线运行' }, eventId });
    expect(again.json).toEqual({ toast: { type: 'info', content: '这个操作已经处理过了' } });
    expect((await h.app.store.read((tx) => tx.getMeasure('P1-1')))!.history.filter((e) => e.action === 'measure-done')).toHaveLength(1);
  });

  it('refuses a press by someone without the right, with a toast saying who may, and changes nothing', async () => {
    const { chat } = await setup();
    const card = await reminderCard(chat);
    const outsider = h.person('孙六');
    await h.say(h.person('王主任'), chat, '/任命 @孙六 党员');
    const res = await h.press(outsider, card, { a: 'submit', form: 'done', ref: 'P1-1' }, { formValue: { note: '我来完成' } });
    const answer = res.json as { toast: { type: string; content: string }; card?: unknown };
    expect(answer.toast.type).toBe('error');
    expect(answer.toast.content).toMatch(/负责人|书记|管理员/);
    expect(answer.card).toBeUndefined();
    expect((await h.app.store.read((tx) => tx.getMeasure('P1-1')))!.status).toBe('整改中');
  });

  it('approves a close-out from the review card; the requester cannot', async () => {
    const { chat, zhang, sec, li } = await setup();
    await h.say(li, chat, '/整改 P1-1 完成 平台已上线');
    await h.say(zhang, chat, '/销号 P1 已上线运行，附验收报告');
    await h.app.settle();
    const review = h.platform.sent.filter((m) => m.chatId === chat && m.msgType === 'interactive' && textOf(m).includes('待审核')).at(-1)!;
    const [approve, reject] = buttons(review.content);
    expect([approve!.text, reject!.text]).toEqual(['通过', '驳回']);
    const own = await h.press(zhang, review, approve!.value);
    expect((own.json as { toast: { type: string } }).toast.type).toBe('error');
    expect((await h.app.store.read((tx) => tx.getProblem('P1')))!.status).toBe('待审核');
    const ok = await h.press(sec, review, approve!.value);
    expect((ok.json as { toast: { type: string } }).toast.type).toBe('success');
    expect(await h.app.store.read((tx) => tx.getProblem('P1'))).toMatchObject({ status: '已整改销号', closed: { by: sec.openId } });
  });

  it('verifies callbacks like events: a forged one is 401 and changes nothing', async () => {
    const { chat, li } = await setup();
    const card = await reminderCard(chat);
    const res = await h.press(li, card, { a: 'submit', form: 'done', ref: 'P1-1' }, { formValue: { note: 'x' }, forge: true });
    expect(res.status).toBe(401);
    expect((await h.app.store.read((tx) => tx.getMeasure('P1-1')))!.status).toBe('整改中');
  });
});
