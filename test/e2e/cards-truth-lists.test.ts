import { afterEach, describe, expect, it } from 'vitest';
import { Harness, textOf } from '../support/harness.js';

let h: Harness;
let now = new Date('2026-11-20T10:00:00+08:00');
const clock = () => now;
afterEach(async () => {
  await h?.close();
  now = new Date('2026-11-20T10:00:00+08:00');
});

async function setup() {
  h = await Harness.start({ clock, adminToken: 'tok' });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const zhang = h.person('张三');
  const li = h.person('李四');
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, chat, '/任命 @张三 党员');
  await h.say(admin, chat, '/任命 @李四 党员');
  return { admin, chat, zhang, li };
}

const runJob = async (name: string) => {
  const res = await fetch(`${h.app.url}/admin/jobs/${name}/run`, { method: 'POST', headers: { authorization: 'Bearer tok' }, body: JSON.stringify({ at: now.toISOString() }) });
  expect(res.status).toBe(200);
  await h.app.settle();
  return (await res.json()) as { sent: unknown[]; skipped: { reason: string }[] };
};

describe('lists and digests put what needs attention first', () => {
  it('lists overdue problems before open ones and closed ones last', async () => {
    const { chat, zhang, admin } = await setup();
    await h.say(zhang, chat, '/问题 甲问题已办完 责任单位:办公室 时限:2026-12-31 负责人:@张三');
    await h.say(zhang, chat, '/问题 乙问题尚在整改 责任单位:办公室 时限:2026-12-31 负责人:@张三');
    await h.say(zhang, chat, '/问题 丙问题即将逾期 责任单位:办公室 时限:2026-11-23 负责人:@张三');
    await h.say(admin, chat, '/作废 P1 重复登记');
    now = new Date('2026-11-30T10:00:00+08:00');
    const list = await h.say(zhang, chat, '/问题 列表');
    const order = [...list.matchAll(/^(P\d+)【/gm)].map((m) => m[1]);
    expect(order).toEqual(['P3', 'P2', 'P1']);
  });

  it('names digest items by title, lists a two-assignee task once, ends with /截止, and says why a job sent nothing', async () => {
    const { chat, admin, li } = await setup();
    await h.say(admin, chat, '/任务 提交学习心得 时限:2026-12-02 负责人:@张三 @李四');
    now = new Date('2026-11-30T09:00:00+08:00');
    await runJob('weekly-digest');
    const digest = h.platform.sent.filter((m) => m.chatId === chat && textOf(m).includes('周报')).at(-1)!;
    const text = JSON.stringify(digest.content);
    expect(text).toContain('T1 提交学习心得');
    expect(text.split('T1 ').length - 1).toBe(1);
    expect(text).toContain('/截止');
    void li;
    const again = await runJob('weekly-digest');
    expect(again.sent).toEqual([]);
    expect(again.skipped.map((s) => s.reason)).toContain('本周已发送过');
  });
});
