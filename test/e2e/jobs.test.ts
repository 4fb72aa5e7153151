import { afterEach, describe, expect, it } from 'vitest';
import type { SentMessage } from '../../src/sandbox/open-platform.js';
import { Harness, textOf } from '../support/harness.js';

let h: Harness;
let now = new Date('2026-11-20T10:00:00+08:00');
const clock = () => now;
const at = (iso: string) => (now = new Date(iso));

afterEach(async () => {
  await h?.close();
});

/** A bureau with one branch chat, a leadership chat, a secretary, a leader and two members. */
async function bureau(opts: { scheduler?: boolean } = {}) {
  h = await Harness.start({ clock, adminToken: 'tok', scheduler: opts.scheduler });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const leaders = h.newChat();
  const sec = h.person('王书记');
  const zhang = h.person('张三');
  const li = h.person('李四');
  h.person('赵局长');
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, chat, '/任命 @王书记 书记');
  await h.say(admin, chat, '/任命 @张三 党员');
  await h.say(admin, chat, '/任命 @李四 党员');
  await h.say(admin, chat, '/任命 @赵局长 领导');
  await h.say(admin, leaders, '/绑定 领导班子');
  return { admin, chat, leaders, sec, zhang, li };
}

async function run(job: string): Promise<{ sent: { to: string }[]; skipped: { reason: string }[] }> {
  const res = await fetch(`${h.app.url}/admin/jobs/${job}/run`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: JSON.stringify({ at: now.toISOString() }),
  });
  expect(res.status).toBe(200);
  const report = await res.json();
  await h.app.settle();
  return report;
}

/** Cards the bot posted (not replies) to a chat, after `seq`. */
function posted(chatId: string, after: number): SentMessage[] {
  return h.platform.sent.filter((m) => m.seq > after && m.kind === 'create' && m.chatId === chatId);
}
const lastSeq = () => h.platform.sent.at(-1)?.seq ?? 0;

describe('scheduled jobs through the admin endpoint', () => {
  it('walks the reminder ladder once per rung, across restarts, copying the secretary and then the leadership', async () => {
    const { chat, leaders, zhang } = await bureau();
    at('2026-11-20T10:00:00+08:00');
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-04 负责人:@张三');

    const seen: [string, string][] = [];
    const days = ['2026-11-27', '2026-11-30', '2026-12-03', '2026-12-04', '2026-12-07', '2026-12-08', '2026-12-10', '2026-12-15', '2026-12-17', '2026-12-18'];
    for (const day of days) {
      at(`${day}T09:00:00+08:00`);
      const before = lastSeq();
      await run('reminders');
      // Twice at the same moment and after a restart: never a second copy.
      await run('reminders');
      if (day === '2026-12-03') await h.restart();
      await run('reminders');
      const privately = h.platform.sent.filter((m) => m.seq > before && m.kind === 'create' && m.receiveId === zhang.openId);
      for (const m of [...posted(chat, before), ...posted(leaders, before), ...privately]) seen.push([day, `${m.chatId === leaders ? 'leaders' : m.chatId === chat ? 'branch' : 'private'}: ${textOf(m)}`]);
    }
    const summary = seen.map(([d, t]) => `${d} ${t.split('\n').find((l) => /工作日|到期/.test(l))?.trim()} ${t.includes('抄送支部书记') ? '[抄送书记]' : ''}${t.startsWith('leaders') ? '[领导班子群]' : ''}${t.startsWith('private') ? '[私信]' : ''}`);
    expect(summary).toEqual([
      '2026-11-27 时限 2026-12-04（周五），还有 5 个工作日 ',
      '2026-12-03 时限 2026-12-04（周五），还有 1 个工作日 ',
      '2026-12-04 时限 2026-12-04（周五），今天到期 ',
      // A Monday: the branch chat hears the weekly digest only, so the owner is told privately.
      '2026-12-07 时限 2026-12-04（周五），已逾期 1 个工作日。如需延期请用 /延期 说明理由 [私信]',
      '2026-12-10 时限 2026-12-04（周五），已逾期 4 个工作日（抄送支部书记 王书记）。如需延期请用 /延期 说明理由 [抄送书记]',
      '2026-12-15 时限 2026-12-04（周五），已逾期 7 个工作日（抄送支部书记 王书记）。如需延期请用 /延期 说明理由 [抄送书记]',
      '2026-12-18 时限 2026-12-04（周五），已逾期 10 个工作日（抄送支部书记 王书记）。如需延期请用 /延期 说明理由 [抄送书记]',
      '2026-12-18 以下事项已逾期 10 个工作日以上，请分管领导关注： [领导班子群]',
    ]);
    const escalation = seen.find(([, t]) => t.startsWith('leaders'))![1];
    expect(escalation).toContain('**P1** 第一支部 问题：数据共享不直接，负责人 张三，时限 2026-12-04（周五），已逾期 10 个工作日');
  });

  it('mentions only the owner', async () => {
    const { chat, zhang } = await bureau();
    at('2026-11-20T10:00:00+08:00');
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-11-27 负责人:@张三');
    at('2026-11-26T09:00:00+08:00');
    const before = lastSeq();
    await run('reminders');
    const [m] = posted(chat, before);
    const ats = JSON.stringify(m!.content).match(/<at id=([^>]+)>/g);
    expect(ats).toEqual([`<at id=${zhang.openId}>`]);
  });

  it('sends nothing at night, on weekends or on statutory holidays, but does on a 调休 Saturday', async () => {
    const { chat, zhang } = await bureau();
    at('2026-09-20T10:00:00+08:00'); // a make-up working Sunday
    await h.say(zhang, chat, '/问题 国庆值班安排 责任单位:办公室 时限:2026-10-09 负责人:@张三');
    at('2026-10-09T21:00:00+08:00');
    expect((await run('reminders')).skipped[0]!.reason).toContain('静默时段');
    at('2026-10-05T09:00:00+08:00');
    expect((await run('reminders')).skipped[0]!.reason).toContain('不是工作日');
    at('2026-10-11T09:00:00+08:00');
    expect((await run('reminders')).skipped[0]!.reason).toContain('不是工作日');
    at('2026-10-10T09:00:00+08:00'); // 调休 Saturday: the first overdue working day
    const before = lastSeq();
    await run('reminders');
    expect(posted(chat, before).map(textOf).join()).toContain('已逾期 1 个工作日');
  });

  it('posts the weekly digest into each branch chat once, also for a quiet branch', async () => {
    const { admin, chat, zhang, li } = await bureau();
    const quietChat = h.newChat();
    at('2026-11-24T10:00:00+08:00');
    await h.say(admin, quietChat, '/绑定 第二支部');
    await h.say(zhang, chat, `/学习 2小时 集中研讨 《习近平著作选读》第一卷 参加:@李四`);
    await h.say(li, chat, '/问题 服务窗口排队时间长 责任单位:政务服务科 时限:2026-12-02 负责人:@李四');
    at('2026-11-30T09:00:00+08:00');
    const before = lastSeq();
    const report = await run('weekly-digest');
    expect(report.sent).toHaveLength(2);
    const digest = textOf(posted(chat, before)[0]!);
    expect(digest).toContain('第一支部 周报');
    expect(digest).toContain('**上周学习**（2026年11月23日—11月29日）：1 次活动，共 2 小时，2/4 人参加');
    expect(digest).toContain('上周新增问题 1 个、销号 0 个');
    expect(digest).toMatch(/本周到期\*\*：\nP1 服务窗口排队时间长，2026-12-02（周三），李四/);
    expect(textOf(posted(quietChat, before)[0]!)).toContain('本支部没有新的学习记录和整改事项');
    expect((await run('weekly-digest')).sent).toHaveLength(0);
    // Switched off by the secretary: nothing next week.
    await h.say(h.person('王书记'), chat, '/提醒 关闭 周报');
    at('2026-12-07T09:00:00+08:00');
    const next = await run('weekly-digest');
    expect(next.sent.map((s) => s.to)).toEqual([quietChat]);
  });

  it('publishes the monthly bulletin with frozen figures; re-running sends nothing new', async () => {
    const { chat, leaders, zhang, sec } = await bureau();
    at('2026-11-10T10:00:00+08:00');
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-11-20 负责人:@张三');
    await h.say(zhang, chat, '/问题 办事指南不清楚 责任单位:政务服务科 时限:2026-12-31 负责人:@张三 专项整治:是');
    await h.say(zhang, chat, '/销号 P2 指南已重写并上网');
    await h.say(sec, chat, '/审核 P2 通过');
    at('2026-12-01T09:30:00+08:00');
    const before = lastSeq();
    await run('monthly-bulletin');
    const text = textOf(posted(leaders, before)[0]!);
    expect(text).toContain('2026年11月党建督办通报');
    expect(text).toContain('检视问题 2 个，已整改销号 1 个（50.0%），制定整改措施 0 项，逾期问题 1 个');
    // Issue 15: the bulletin splits 检视问题 by source and counts the 专项整治 mark, in /进度's words.
    expect(text).toContain('按来源：未注明 2 个；其中专项整治问题 1 个');
    const again = await run('monthly-bulletin');
    expect(again.sent).toHaveLength(0);
    expect(again.skipped[0]!.reason).toContain('已发布过');
  });

  it('runs a job missed while the process was down once on start, and not again after another restart', async () => {
    at('2026-11-30T10:15:00+08:00'); // Monday, after the 09:00 digest time
    const { chat } = await bureau({ scheduler: false });
    h.opts.scheduler = true;
    const before = lastSeq();
    await h.restart();
    await h.app.settle();
    expect(posted(chat, before).map(textOf).filter((t) => t.includes('周报'))).toHaveLength(1);
    await h.restart();
    await h.app.settle();
    expect(posted(chat, before).map(textOf).filter((t) => t.includes('周报'))).toHaveLength(1);
    const runs = await h.app.store.read((tx) => tx.listJobRuns('weekly-digest'));
    expect(runs.map((r) => [r.slot, r.trigger])).toEqual([['2026-11-30', 'catch-up']]);
  });

  it('does not catch up after 20:00', async () => {
    at('2026-11-30T20:30:00+08:00');
    await bureau({ scheduler: true });
    expect(await h.app.store.read((tx) => tx.listJobRuns())).toEqual([]);
  });

  it('reminds only members behind on a quota, privately, near the period end, once', async () => {
    const { chat, zhang, li } = await bureau();
    at('2026-11-20T10:00:00+08:00');
    await h.say(zhang, chat, '/志愿 文明交通劝导 3小时');
    at('2026-11-24T09:00:00+08:00'); // last 5 working days of November begin
    const before = lastSeq();
    await run('quota-reminders');
    expect(posted(chat, before)).toHaveLength(0);
    const to = (p: { openId: string }) => h.platform.sent.filter((m) => m.seq > before && m.receiveId === p.openId);
    expect(to(li)).toHaveLength(1);
    expect(to(zhang)).toHaveLength(0);
    expect(to(h.person('赵局长'))).toHaveLength(0);
    at('2026-11-25T09:00:00+08:00');
    expect((await run('quota-reminders')).sent).toHaveLength(0);
  });
});
