import { afterEach, describe, expect, it } from 'vitest';
import type { SentMessage } from '../../src/sandbox/open-platform.js';
import { buttons } from '../support/card-buttons.js';
import { Harness, textOf } from '../support/harness.js';

// Cards offer only actions that exist: /延期 takes a problem (its lead person asks), so a measure's line has no 申请延期.
let h: Harness | undefined;
let now = new Date('2026-11-20T10:00:00+08:00');
afterEach(async () => {
  await h?.close();
  h = undefined;
});



describe('申请延期 on reminder cards', () => {
  it('is offered on an overdue problem (and works), not on its overdue measure, whose line names the problem and its lead', async () => {
    h = await Harness.start({ clock: () => now, adminToken: 'tok' });
    const admin = await h.makeAdmin('王主任');
    const chat = h.newChat();
    const zhang = h.person('张三');
    const li = h.person('李四');
    await h.say(admin, chat, '/绑定 第一支部');
    await h.say(admin, chat, '/任命 @张三 党员');
    await h.say(admin, chat, '/任命 @李四 党员');
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-11-24 负责人:@张三');
    await h.say(zhang, chat, '/措施 P1 建设数据共享交换平台 时限:2026-11-24 负责人:@李四');

    now = new Date('2026-11-25T09:00:00+08:00');
    const res = await fetch(`${h.app.url}/admin/jobs/reminders/run`, { method: 'POST', headers: { authorization: 'Bearer tok' }, body: JSON.stringify({ at: now.toISOString() }) });
    expect(res.status).toBe(200);
    await h.app.settle();
    const cards: SentMessage[] = h.platform.sent.filter((m) => m.chatId === chat && m.msgType === 'interactive' && textOf(m).includes('督办提醒'));
    expect(cards.length).toBeGreaterThan(0);
    const all = cards.flatMap((c) => buttons(c.content).map((b) => ({ card: c, ...b })));
    const refs = (form: string) => all.filter((b) => b.value.form === form).map((b) => b.value.ref);
    expect(refs('extend')).toEqual(['P1']);
    expect(refs('done')).toEqual(['P1-1']);
    const text = cards.map(textOf).join('\n');
    expect(text).toContain('如需延期请由牵头负责人用 /延期 P1 说明理由');
    expect(text).not.toMatch(/P1-1[^\n]*\n[^\n]*如需延期请用 \/延期/);

    // The button that is offered leads to a real 申请延期.
    const extend = all.find((b) => b.value.form === 'extend')!;
    await h.press(zhang, extend.card, extend.value);
    await h.app.settle();
    const form = h.platform.sent.find((m) => m.kind === 'ephemeral' && m.openId === zhang.openId)!;
    const submit = buttons(form.content).find((b) => b.value.a === 'submit')!;
    const ok = await h.press(zhang, form, submit.value, { formValue: { date: '2027-01-29', reason: '等待省级平台接口开放' } });
    expect((ok.json as { toast: { type: string } }).toast.type).toBe('success');
    await h.app.settle();
    expect((await h.app.store.read((tx) => tx.getProblem('P1')))!.status).toBe('申请延期');
    void li;
  });
});
