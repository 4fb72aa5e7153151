import { afterEach, describe, expect, it } from 'vitest';
import { Harness, type Person } from '../support/harness.js';
import { runJobAt } from './admin-job.js';

let h: Harness;
let now: Date;
afterEach(async () => {
  await h?.close();
});

const at = (s: string) => (now = new Date(`${s}+08:00`));

const run = (job: string) => runJobAt(h, job, now);

describe('/提醒 switches 组织生活提醒 per branch', () => {
  it('stops and restarts the private org-life reminder of one branch, leaving the other branch’s', async () => {
    at('2026-11-02T10:00:00');
    h = await Harness.start({ clock: () => now, adminToken: 'tok' });
    const admin = await h.makeAdmin('王主任');
    const chat = h.newChat();
    const other = h.newChat();
    const dm = (p: Person) => `oc_p2p_${p.openId}`;
    await h.say(admin, chat, '/绑定 第一支部');
    await h.say(admin, other, '/绑定 第二支部');
    const [zhang, li, zhou] = ['张三', '李四', '周八'].map((n) => h.person(n)) as [Person, Person, Person];
    for (const p of [zhang, li]) await h.say(p, chat, '/指标');
    await h.say(zhou, other, '/指标');
    await h.say(admin, dm(admin), '/任命 @张三 书记 第一支部', { chatType: 'p2p' });
    await h.say(admin, dm(admin), '/任命 @周八 书记 第二支部', { chatType: 'p2p' });

    expect(await h.say(zhang, chat, '/提醒')).toContain('✅ 开启　组织生活提醒');
    expect(await h.say(zhang, chat, '/提醒 关闭 组织生活提醒')).toBe('已关闭「第一支部」的组织生活提醒（本期应开而未登记的会议，期末最后 5 个工作日私信书记）。');
    expect(await h.say(zhang, chat, '/提醒')).toContain('⛔ 关闭　组织生活提醒');
    // A member may not switch it; a word that names no switch changes nothing and lists what can be switched.
    expect(await h.say(li, chat, '/提醒 开启 组织生活提醒')).not.toContain('已开启');
    expect(await h.say(zhang, chat, '/提醒 开启 会议')).toContain('组织生活提醒');
    expect(await h.say(zhang, chat, '/提醒')).toContain('⛔ 关闭　组织生活提醒');

    // Tuesday 24 November is within November's last 5 working days; neither branch has held its 支委会.
    at('2026-11-24T09:00:00');
    const off = await run('org-life-reminders');
    expect(off.sent.map((s) => s.to)).toEqual([zhou.openId]);
    expect(off.skipped).toContainEqual(expect.objectContaining({ reason: '支部已关闭组织生活提醒', detail: '第一支部' }));

    at('2026-11-24T11:00:00');
    expect(await h.say(zhang, chat, '/提醒 开启 组织生活')).toBe('已开启「第一支部」的组织生活提醒（本期应开而未登记的会议，期末最后 5 个工作日私信书记）。');
    at('2026-11-25T09:00:00');
    const on = await run('org-life-reminders');
    expect(on.sent.map((s) => s.to)).toEqual([zhang.openId]);
    expect(on.skipped.some((s) => s.detail === '第一支部')).toBe(false);
  });
});
