import { afterEach, describe, expect, it } from 'vitest';
import { addDays, isWorkingDay } from '../../commands/shared/calendar.js';
import { Harness, textOf } from '../support/harness.js';

let h: Harness;
let now = new Date('2026-11-20T10:00:00+08:00');
afterEach(async () => {
  await h?.close();
});

const JOBS = ['reminders', 'quota-reminders', 'weekly-digest', 'monthly-bulletin'];

async function run(job: string): Promise<void> {
  const res = await fetch(`${h.app.url}/admin/jobs/${job}/run`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: JSON.stringify({ at: now.toISOString() }),
  });
  expect(res.status).toBe(200);
}

describe('a simulated month of scheduled jobs', () => {
  it('tells each owner about each rung once, leaders only of overdue items and the bulletin, nobody at night or on holidays', async () => {
    h = await Harness.start({ clock: () => now, adminToken: 'tok' });
    const admin = await h.makeAdmin('王主任');
    const chat = h.newChat();
    const leaders = h.newChat();
    const [sec, zhang, li, leader] = ['王书记', '张三', '李四', '赵局长'].map((n) => h.person(n));
    await h.say(admin, chat, '/绑定 第一支部');
    await h.say(admin, leaders, '/绑定 领导班子');
    for (const [p, r] of [[sec, '书记'], [zhang, '党员'], [li, '党员']] as const) await h.say(admin, chat, `/任命 @${p!.name} ${r}`);
    await h.say(admin, 'oc_p2p_admin', `/任命 @${leader!.name} 领导`, { chatType: 'p2p' });
    await h.say(zhang!, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-04 负责人:@张三');
    await h.say(zhang!, chat, '/措施 P1 建设交换平台 时限:2026-11-27 负责人:@李四');
    await h.say(sec!, chat, '/任务 撰写调研报告 时限:2026-12-10 负责人:@张三 @李四');
    await h.app.settle();

    // Every day from Monday 23 November to 31 December, at night, at 09:00 (twice) and 09:30, every job.
    const heard: { day: string; hour: string; chat: string; to?: string; text: string; mentions: string[] }[] = [];
    for (let day = '2026-11-23'; day <= '2026-12-31'; day = addDays(day, 1)) {
      for (const hour of ['07:00', '09:00', '09:00', '09:30', '21:00']) {
        now = new Date(`${day}T${hour}:00+08:00`);
        const before = h.platform.sent.at(-1)?.seq ?? 0;
        for (const job of JOBS) await run(job);
        await h.app.settle();
        for (const m of h.platform.sent.filter((x) => x.seq > before && x.kind === 'create')) {
          heard.push({ day, hour, chat: m.chatId!, to: m.receiveId, text: textOf(m), mentions: [...JSON.stringify(m.content).matchAll(/<at id=([^>]+)>/g)].map((x) => x[1]!) });
        }
      }
      // Halfway through, 李四 finishes the measure: nothing more about it afterwards.
      if (day === '2026-12-01') {
        now = new Date('2026-12-01T15:00:00+08:00');
        await h.say(li!, chat, '/整改 P1-1 完成 平台已上线');
        await h.app.settle();
      }
    }

    // Nothing at night, nothing on a weekend or holiday.
    for (const x of heard) {
      expect(['09:00', '09:30']).toContain(x.hour);
      expect(isWorkingDay(x.day)).toBe(true);
    }
    // Each owner hears each rung of each item exactly once.
    const rungs: string[] = [];
    // The secretary's private copies (on digest Mondays, when owners are told privately) are not the owner's rung.
    for (const x of heard.filter((y) => y.text.startsWith('督办提醒') && y.to !== sec!.openId)) {
      let who = '';
      for (const line of x.text.split('\n')) {
        const head = /<at id=([^>]+)><\/at> \*\*(\S+)\*\*/.exec(line);
        if (head) who = `${head[2]} ${head[1] === zhang!.openId ? '张三' : '李四'}`;
        else if (line.startsWith('时限')) rungs.push(`${x.day} ${who} ${line.replace(/（抄送.*?）/, '[cc]').replace(/。如需延期.*/, '')}`);
      }
    }
    expect(new Set(rungs).size).toBe(rungs.length);
    // The measure: 5 working days before fell on 20 November, before the simulation; done on 1 December.
    expect(rungs.filter((r) => r.includes('P1-1'))).toEqual([
      '2026-11-26 P1-1 李四 时限 2026-11-27（周五），还有 1 个工作日',
      '2026-11-27 P1-1 李四 时限 2026-11-27（周五），今天到期',
      '2026-11-30 P1-1 李四 时限 2026-11-27（周五），已逾期 1 个工作日',
    ]);
    expect(rungs.filter((r) => / P1 张三/.test(r)).map((r) => r.slice(0, 10))).toEqual(['2026-11-27', '2026-12-03', '2026-12-04', '2026-12-07', '2026-12-10', '2026-12-15', '2026-12-18', '2026-12-23', '2026-12-28', '2026-12-31']);
    // The task has two assignees: each gets every rung once (two mentions per task line-day).
    const task = rungs.filter((r) => r.includes(' T1 '));
    expect(task.filter((r) => r.includes('张三')).map((r) => r.slice(0, 10))).toEqual(task.filter((r) => r.includes('李四')).map((r) => r.slice(0, 10)));
    expect(task.filter((r) => r.includes('张三')).map((r) => r.slice(0, 10))).toEqual(['2026-12-03', '2026-12-09', '2026-12-10', '2026-12-11', '2026-12-16', '2026-12-21', '2026-12-24', '2026-12-29']);
    // Deadline reminders @-mention only owners; nothing ever @-mentions a leader or the admin.
    for (const x of heard.filter((y) => y.text.startsWith('督办提醒'))) for (const m of x.mentions) expect([zhang!.openId, li!.openId]).toContain(m);
    for (const x of heard) expect(x.mentions.filter((m) => m === leader!.openId || m === admin.openId)).toEqual([]);
    // Quota reminders came only in the last 5 working days of November and December, for people behind.
    expect([...new Set(heard.filter((x) => x.text.startsWith('指标提醒')).map((x) => x.day))]).toEqual(['2026-11-24', '2026-11-30', '2026-12-25', '2026-12-31']);
    // The leadership chat gets the monthly bulletin and overdue escalations from the 10th overdue working day, nothing else.
    const toLeaders = heard.filter((x) => x.chat === leaders).map((x) => `${x.day} ${x.text.split('\n')[0]}`);
    // The leadership chat gets each month's bulletin once (a run through the admin endpoint publishes the last
    // complete month, so October's went out at the first run) and escalations of items 10+ working days overdue,
    // at each rung from the 10th on: P1 (due 4 Dec) on the 18th, 23rd, 28th, 31st; T1 (due 10 Dec) on the 24th, 29th.
    expect(toLeaders).toEqual([
      '2026-11-23 2026年10月党建督办通报',
      '2026-12-01 2026年11月党建督办通报',
      '2026-12-18 逾期升级 · 2026-12-18（周五）',
      '2026-12-23 逾期升级 · 2026-12-23（周三）',
      '2026-12-24 逾期升级 · 2026-12-24（周四）',
      '2026-12-28 逾期升级 · 2026-12-28（周一）',
      '2026-12-29 逾期升级 · 2026-12-29（周二）',
      '2026-12-31 逾期升级 · 2026-12-31（周四）',
    ]);
    // One weekly digest per week, on Mondays here (no holidays in this span).
    expect(heard.filter((x) => x.text.includes('第一支部 周报')).map((x) => x.day)).toEqual(['2026-11-23', '2026-11-30', '2026-12-07', '2026-12-14', '2026-12-21', '2026-12-28']);
  }, 120_000);
});
