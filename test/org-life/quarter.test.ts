import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { STUDY_SHEETS, studyColumns } from '../../commands/reports/export-ledgers.js';
import { Harness, textOf, type Person } from '../support/harness.js';

let h: Harness;
let now: Date;
afterEach(async () => {
  await h?.close();
});

const at = (s: string) => (now = new Date(`${s}+08:00`));

async function run(job: string): Promise<{ sent: { to: string; summary: string }[]; skipped: { reason: string }[] }> {
  const res = await fetch(`${h.app.url}/admin/jobs/${job}/run`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: JSON.stringify({ at: now.toISOString() }),
  });
  expect(res.status).toBe(200);
  await h.app.settle();
  return res.json() as never;
}

/**
 * 第一支部 (secretary 张三; 李四 王五 赵六 孙七; 刘局长 a leader whose home branch it is), 第二支部 (周八, holding
 * nothing), 陈局长 a leader with no branch, the leadership chat. Set up on Thursday 2026-10-08.
 */
async function setup() {
  at('2026-10-08T10:00:00');
  h = await Harness.start({ clock: () => now, adminToken: 'tok' });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const other = h.newChat();
  const leaders = h.newChat();
  const dm = (p: Person) => `oc_p2p_${p.openId}`;
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, other, '/绑定 第二支部');
  await h.say(admin, leaders, '/绑定 领导班子');
  const [zhang, li, wang, zhao, sun, zhou, liu, chen] = ['张三', '李四', '王五', '赵六', '孙七', '周八', '刘局长', '陈局长'].map((n) => h.person(n)) as [Person, Person, Person, Person, Person, Person, Person, Person];
  for (const p of [zhang, li, wang, zhao, sun]) await h.say(p, chat, '/指标');
  await h.say(zhou, other, '/指标');
  await h.say(admin, dm(admin), '/任命 @张三 书记 第一支部', { chatType: 'p2p' });
  await h.say(admin, dm(admin), '/任命 @周八 书记 第二支部', { chatType: 'p2p' });
  await h.say(admin, dm(admin), '/任命 @刘局长 领导 第一支部', { chatType: 'p2p' });
  await h.say(admin, dm(admin), '/任命 @陈局长 领导', { chatType: 'p2p' });
  return { admin, chat, other, leaders, zhang, li, wang, zhao, sun, zhou, liu, chen, dm };
}

describe('a scripted quarter of organisational life for 第一支部', () => {
  it('records every kind of meeting with attendance, shows what is missing, reminds only the secretary and lists gaps in the bulletin', async () => {
    const { admin, chat, leaders, zhang, li, wang, sun, zhou, liu, chen } = await setup();
    const say = async (p: Person, where: string, text: string, day: string) => (at(day), h.say(p, where, text));

    // October: the quarter's 支部党员大会 (leader 刘局长 attends as a member), 支委会, 党小组会, 主题党日.
    expect(await say(zhang, chat, '/会议 支部党员大会 10月10日 2小时 主题:学习贯彻党的二十届四中全会精神 主持:@张三 记录:@李四 地点:三楼会议室 实到:全体 请假:@赵六(出差) 缺席:@王五', '2026-10-12T10:00:00')).toContain(
      '应到 6 人，实到 4 人：张三、李四、孙七、刘局长\n请假 1 人：赵六（出差）\n缺席 1 人：王五',
    );
    expect(await say(zhang, chat, '/会议 支委会 10月13日 主题:研究发展党员工作 主持:@张三 记录:@李四 应到:@张三 @李四 @孙七 实到:全体', '2026-10-13T16:00:00')).toContain('应到 3 人，实到 3 人：张三、李四、孙七');
    expect(await say(li, chat, '/会议 党小组会 10月20日 主题:交流学习体会 主持:@李四 实到:@李四 @王五 @孙七', '2026-10-20T16:00:00')).toContain('应到 3 人，实到 3 人');
    expect(await say(zhang, chat, '/会议 主题党日 10月28日 主题:走进红色教育基地 主持:@张三 实到:全体 缺席:@王五', '2026-10-28T16:00:00')).toContain('应到 6 人，实到 5 人');

    // November: 支委会, 党小组会 and a 党课 given by the secretary; no 主题党日.
    // The November 支委会's 应到 is the committee written in October.
    expect(await say(zhang, chat, '/会议 支委会 11月5日 主题:讨论年度民主评议安排 主持:@张三 实到:全体', '2026-11-05T16:00:00')).toContain('应到 3 人，实到 3 人：张三、李四、孙七\n应到沿用上次支委会（S2）的名单');
    await say(li, chat, '/会议 党小组会 11月18日 主题:学习党章 主持:@李四 实到:@李四 @王五 请假:@孙七(病假)', '2026-11-18T16:00:00');
    // The 党课 is given by 陈局长, the leader linked to the branch (联系支部): present, not on the branch's 应到, and it counts toward his 专题党课.
    await say(admin, `oc_p2p_${admin.openId}`, '/联系 @陈局长 第一支部', '2026-11-26T09:00:00');
    expect(await say(zhang, chat, '/会议 党课 11月26日 主题:以数字政府建设推动高质量发展 主持:@陈局长 实到:全体', '2026-11-26T16:00:00')).toContain(
      '专题党课 以数字政府建设推动高质量发展（第一支部）\n主持：陈局长\n应到 6 人，实到 6 人',
    );
    expect(await h.app.store.read((tx) => tx.getStudyRecord('S7'))).toMatchObject({ form: '专题党课', personId: chen.openId, branchId: 'B1' });
    expect(await say(chen, `oc_p2p_${chen.openId}`, '/我的', '2026-11-26T17:00:00')).toContain('· 专题党课 每年至少1次：1/1 已完成');
    // 谈心谈话 and 警示教育 are their own forms now, not 个人自学.
    expect(await say(zhang, chat, '/会议 谈心谈话 11月27日 主题:年度谈心谈话 主持:@张三 实到:@张三 @王五', '2026-11-27T16:00:00')).toContain('谈心谈话');
    expect(await say(zhang, chat, '/学习 1小时 警示教育 观看《零容忍》 参加:@李四', '2026-11-27T17:00:00')).toContain('警示教育 1小时');

    // The leadership: 中心组学习 in its chat; a member may not log a 民主生活会, and a bureau leader with no branch is not on 第一支部's roster.
    expect(await say(chen, leaders, '/会议 中心组学习 11月20日 主题:学习《习近平著作选读》 实到:全体', '2026-11-20T16:00:00')).toContain('应到 2 人，实到 2 人');
    expect(await say(li, chat, '/会议 民主生活会 今天 主题:对照检查 实到:全体', '2026-11-27T17:00:00')).toContain('民主生活会是党组（领导班子）的会议');
    expect(await say(zhang, chat, '/会议 主题党日 11月27日 主题:志愿服务 实到:@张三 @陈局长', '2026-11-27T17:00:00')).toContain('陈局长 不是「第一支部」的成员，不能计入本次活动；局领导以所在支部参加组织生活，请管理员先 /任命 @陈局长 领导 第一支部。');
    expect(await say(zhang, chat, '/会议 党小组会 11月27日 主题:补开 实到:全体', '2026-11-27T17:00:00')).toContain('党小组会的应到不是全支部');

    // 1 December: the bulletin names the missing November meetings by branch.
    at('2026-12-01T09:30:00');
    await run('monthly-bulletin');
    const bulletin = h.platform.sent.filter((m) => m.chatId === leaders).map(textOf).join('\n');
    expect(bulletin).toContain('**组织生活缺口**');
    expect(bulletin).toContain('第一支部：主题党日（2026年11月）');
    expect(bulletin).toContain('第二支部：支委会（2026年11月）、党小组会（2026年11月）、主题党日（2026年11月）');
    expect(bulletin).not.toContain('第一支部：支委会');

    // December: 孙七 is on leave 12月1日–5日 and is marked 请假 at the 主题党日 automatically.
    expect(await say(sun, chat, '/请假 12月1日-12月5日 外出培训', '2026-11-30T10:00:00')).toContain('L1');
    expect(await say(zhang, chat, '/会议 主题党日 12月3日 主题:学习宪法 主持:@张三 实到:全体', '2026-12-03T16:00:00')).toContain('请假 1 人：孙七（外出培训）〔请假登记〕');
    await say(zhang, chat, '/会议 党小组会 12月9日 主题:交流心得 主持:@李四 实到:@李四 @王五 @孙七', '2026-12-09T16:00:00');
    await say(zhang, chat, '/会议 组织生活会 12月15日 主题:年度组织生活会 主持:@张三 记录:@李四 实到:全体', '2026-12-15T16:00:00');
    await say(zhang, chat, '/会议 民主评议党员 12月15日 主题:年度民主评议 主持:@张三 实到:全体', '2026-12-15T17:00:00');
    await say(liu, leaders, '/会议 民主生活会 12月16日 主题:年度民主生活会 主持:@刘局长 实到:全体', '2026-12-16T16:00:00');
    expect(await say(wang, chat, '/补学 S1 阅读会议文件', '2026-12-16T17:00:00')).toContain('已记录 王五');

    // The December 支委会 is missing: only the secretary hears, privately, once, in the last 5 working days.
    at('2026-12-24T09:00:00');
    expect((await run('org-life-reminders')).sent).toHaveLength(0);
    at('2026-12-25T09:00:00');
    const before = h.platform.sent.length;
    const sent = (await run('org-life-reminders')).sent;
    const notes = h.platform.sent.slice(before);
    expect(sent.map((s) => s.to).sort()).toEqual([zhang.openId, zhou.openId].sort());
    expect(notes.map((m) => [m.receiveIdType, m.receiveId]).sort()).toEqual([['open_id', zhang.openId], ['open_id', zhou.openId]].sort());
    const toZhang = notes.filter((m) => m.receiveId === zhang.openId).map(textOf).join('\n');
    expect(toZhang).toContain('组织生活提醒 · 第一支部');
    expect(toZhang).toContain('支委会：2026年12月尚未召开');
    expect(toZhang).not.toContain('党小组会');
    expect((await run('org-life-reminders')).sent).toHaveLength(0);

    // /组织生活 for the branch and the quarter: held with topic and 实到/应到, and what is missing.
    const view = await say(zhang, chat, '/组织生活 本季度', '2026-12-31T10:00:00');
    expect(view).toContain('组织生活 · 第一支部 · 2026年第四季度（截至 2026-12-31（周四））');
    expect(view).toContain('支部党员大会（每季度1次）\n· 2026年第四季度：2026-10-10（周六） 学习贯彻党的二十届四中全会精神 实到 4/6，补学 1（S1）');
    expect(view).toContain('· 2026年12月：待开（2026-12-31（周四） 前）');
    expect(view).toContain('主题党日（每月1次）\n· 2026年10月：2026-10-28（周三） 走进红色教育基地 实到 5/6（S4）\n· 2026年11月：缺');
    expect(view).toContain('其他会议：\n· 2026-11-27（周五）谈心谈话 年度谈心谈话 实到 2/2');
    expect(view).toContain('缺开 1 项：主题党日（2026年11月）');
    // The bureau view for a leader: each branch and the leadership.
    const bureau = await say(admin, `oc_p2p_${admin.openId}`, '/orglife 全局 本季度', '2026-12-31T10:00:00');
    expect(bureau).toContain('第一支部：已开');
    expect(bureau).toContain('领导班子：已开 1 次');
    expect(bureau).toContain('第二支部：已开 0 次；缺 支委会（2026年10月、2026年11月）、党小组会（2026年10月、2026年11月）、主题党日（2026年10月、2026年11月）；待开 ');

    // The branch's study ledger carries each meeting with its host, recorder, 应到 and who was on leave or absent.
    expect(await say(zhang, chat, '/导出 学习台账 本季度', '2026-12-31T10:30:00')).toContain('学习台账-第一支部-2026年第四季度.xlsx');
    await h.app.settle();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(h.platform.files.at(-1)!.bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(STUDY_SHEETS.study)!;
    const headers = studyColumns(false).map((c) => c.header);
    const row = (ws.getRow(4).values as unknown[]).slice(1);
    const cell = (h: string) => row[headers.indexOf(h)];
    expect([cell('形式'), cell('主题/内容'), cell('主讲人/主持人'), cell('记录人'), cell('参加人数'), cell('应到'), cell('请假/缺席')]).toEqual([
      '支部党员大会', '学习贯彻党的二十届四中全会精神', '张三', '李四', 4, 6, '请假：赵六（出差）；缺席：王五（已补学）',
    ]);
  }, 120_000);
});
