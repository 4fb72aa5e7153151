import { afterEach, describe, expect, it } from 'vitest';
import { ledgerFigures } from '../../commands/figures/ledger-figures.js';
import type { SentMessage } from '../../src/sandbox/open-platform.js';
import { Harness, type Person } from '../support/harness.js';

let h: Harness;
let now: Date;
afterEach(async () => {
  await h?.close();
});

/** Shanghai wall-clock time for the fake clock. */
const at = (local: string) => new Date(`${local}+08:00`);

/** A bound 第一支部 chat with a secretary, two members and a leader; the clock starts on Monday 2026-11-23 10:00. */
async function setup() {
  now = at('2026-11-23T10:00:00');
  h = await Harness.start({ clock: () => now });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const sec = h.person('王书记');
  const zhang = h.person('张三');
  const li = h.person('李四');
  const leader = h.person('赵局长');
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, chat, '/任命 @王书记 书记');
  await h.say(admin, chat, '/任命 @张三 党员');
  await h.say(admin, chat, '/任命 @李四 党员');
  await h.say(admin, 'oc_p2p_admin', '/任命 @赵局长 领导', { chatType: 'p2p' });
  const leaders = h.newChat();
  await h.say(admin, leaders, '/绑定 领导班子');
  return { admin, chat, leaders, sec, zhang, li, leader };
}

const toChat = (chatId: string) => (m: SentMessage) => m.kind === 'create' && m.receiveIdType === 'chat_id' && m.receiveId === chatId;
const toUser = (p: Person) => (m: SentMessage) => m.kind === 'create' && m.receiveIdType === 'open_id' && m.receiveId === p.openId;

async function posted(filter: (m: SentMessage) => boolean): Promise<string[]> {
  await h.app.settle();
  return h.texts(filter);
}

describe('ledger: problems, measures, review, tasks and deadlines in chat', () => {
  it('walks one problem through measures, progress, extension, a rejected and an accepted close-out', async () => {
    const { chat, leaders, sec, zhang, li, leader } = await setup();

    const opened = await h.say(zhang, chat, '/问题 数据共享不直接，供需对接不精准 责任单位:数据资源科 时限:12月31日 负责人:@张三 来源:调查研究 目标:实现供需精准对接');
    expect(opened).toContain('已登记问题 P1（第一支部）');
    expect(opened).toContain('问题描述：数据共享不直接，供需对接不精准');
    expect(opened).toContain('问题来源：调查研究发现');
    expect(opened).toContain('整改目标：实现供需精准对接');
    expect(opened).toContain('责任单位：数据资源科');
    expect(opened).toContain('牵头负责人：张三');
    expect(opened).toContain('时限：2026-12-31（周四），还有 28 个工作日');
    expect(opened).toContain('状态：整改中');

    expect(await h.say(li, chat, '/措施 P1 建设数据共享交换平台 时限:下月底 负责人:@李四')).toBe('只有 P1 的牵头负责人（张三）、「第一支部」书记或管理员可以添加措施。');
    const m1 = await h.say(sec, chat, '/措施 P1 建设数据共享交换平台省级对接 时限:下月底 负责人:@李四');
    expect(m1).toContain('已为 P1 添加措施 P1-1：建设数据共享交换平台省级对接');
    expect(m1).toContain('时限：2026-12-31（周四），还有 28 个工作日');
    expect((await posted(toUser(li))).join('\n')).toContain('王书记 为问题 P1 添加了整改措施 P1-1，由你负责');
    const m2 = await h.say(zhang, chat, '/措施 P1 制定供需对接清单 时限:2026-12-05 负责人:@张三');
    expect(m2).toContain('P1-2');
    expect(m2).toContain('时限：2026-12-05（周六），还有 9 个工作日');
    expect(m2).toContain('注意：该日为周六，非工作日。');

    expect(await h.say(li, chat, '/整改 P1-1 进展 已完成接口联调')).toContain('已记录措施 P1-1 的进展：已完成接口联调');
    expect(await h.say(zhang, chat, '/整改 P1 进展 已召开供需对接会')).toContain('已记录 P1 的整改进展');

    now = at('2026-12-10T09:30:00');
    const asked = await h.say(zhang, chat, '/延期 P1 2027-01-29 省级平台升级推迟，需等待接口开放');
    expect(asked).toContain('待审核 · 张三 申请 P1 延期'); // in the branch chat the review card is the one answer
    expect(asked).toContain('申请新时限：2027-01-29（周五），还有 35 个工作日'); // 2027-01-01 is a day off
    // A year without the State Council notice is not repeated on every echo of a date; the problem's own view says so.
    expect(asked).not.toContain('尚未');
    expect(await h.say(zhang, chat, '/审核 P1 同意延期')).toContain('/审核 只有管理员、书记、领导可以使用');
    const extended = await h.say(sec, chat, '/审核 P1 同意延期');
    expect(extended).toContain('P1 同意延期，状态回到整改中。');
    expect(extended).toContain('时限：2027-01-29（周五），还有 35 个工作日（原时限 2026-12-31（周四），保留在记录中）');
    expect(await h.say(zhang, chat, '/问题 P1')).toContain('⚠ 2027年的调休安排尚未录入');

    const before = await h.app.store.read((tx) => tx.getProblem('P1'));
    const refused = await h.say(zhang, chat, '/销号 P1 已上线运行，附验收报告');
    expect(refused).toContain('P1 还有 2 项措施未完成，暂不能申请销号：P1-1 建设数据共享交换平台省级对接；P1-2 制定供需对接清单。');
    expect(refused).toContain('末尾加「强制」');
    expect(await h.app.store.read((tx) => tx.getProblem('P1'))).toEqual(before);

    expect(await h.say(li, chat, '/整改 P1-1 完成 平台已上线运行')).toContain('P1 还有 1 项措施未完成：P1-2。');
    expect(await h.say(zhang, chat, '/整改 P1-2 完成 清单已印发')).toContain('P1 的措施已全部完成');

    const requested = await h.say(zhang, chat, '/销号 P1 已上线运行，附验收报告');
    expect(requested).toContain('待审核 · 张三 申请 P1 销号');
    expect(requested).toContain('「第一支部」书记、领导或管理员；申请人本人不能审核');
    expect(await h.say(zhang, chat, '/销号 P1 再交一次')).toContain('正在等待审核，无需重复申请');

    const rejected = await h.say(sec, chat, '/审核 P1 驳回 缺少验收报告原件');
    expect(rejected).toContain('P1 销号申请已驳回，退回整改中。');
    expect(rejected).toContain('理由：缺少验收报告原件');

    // The secretary asks again from a private chat: the branch chat (where reviewers follow the ledger) is told.
    now = at('2026-12-14T15:00:00');
    const again = await h.say(sec, 'oc_p2p_sec', '/销号 P1 已上线运行，附验收报告原件（见云文档）', { chatType: 'p2p' });
    expect(again).toContain('已通知「第一支部」支部群。');
    expect((await posted(toChat(chat))).join('\n')).toContain('待审核 · 王书记 申请 P1 销号');
    expect(await h.say(sec, chat, '/审核 P1 通过')).toContain('你是 P1 的销号申请人，不能审核自己的申请');
    expect(await h.say(zhang, chat, '/审核 P1 通过')).toContain('只有管理员、书记、领导可以使用');

    const approved = await h.say(leader, leaders, '/审核 P1 通过 材料齐全');
    expect(approved).toContain('P1 已整改销号。');
    expect(approved).toContain('审核人：赵局长（2026-12-14 15:00）；申请人：王书记');
    expect(approved).toContain('已通知「第一支部」支部群。');
    expect((await posted(toChat(chat))).join('\n')).toContain('【审核结果】赵局长 审核 P1');

    const shown = await h.say(li, chat, '/问题 P1');
    expect(shown).toContain('P1【已整改销号】数据共享不直接，供需对接不精准');
    expect(shown).toContain('时限：2027-01-29（周五）（原时限 2026-12-31（周四））');
    expect(shown).toContain('P1-1【已完成】建设数据共享交换平台省级对接 — 李四');
    expect(shown).toContain('王书记 同意延期：时限 2026-12-31 → 2027-01-29');
    expect(shown).toContain('王书记 驳回销号（已驳回），退回整改中：状态 待审核 → 整改中，缺少验收报告原件');
    expect(shown).toContain('赵局长 审核通过，已整改销号：状态 待审核 → 已整改销号，材料齐全');
    expect(shown).toContain('李四 P1-1 进展：已完成接口联调');

    expect(await h.say(sec, chat, '/措施 P1 补充措施 时限:月底 负责人:@李四')).toBe('P1 已整改销号，不能再添加措施。');
    expect(await h.say(zhang, chat, '/销号 P1 再来')).toBe('P1 已整改销号，不能再申请销号。');

    const p = (await h.app.store.read((tx) => tx.getProblem('P1')))!;
    expect(p).toMatchObject({ status: '已整改销号', deadline: '2027-01-29', closed: { by: leader.openId, requestedBy: sec.openId } });
    expect(p.history.map((e) => `${e.action}${e.field ? `:${e.field}` : ''}`)).toEqual([
      'open:deadline',
      'progress',
      'extend-request:status',
      'extend-approve:status',
      'extend-approve:deadline',
      'close-request:status',
      'close-reject:status',
      'close-request:status',
      'close-approve:status',
    ]);
    const figures = await h.app.store.read(async (tx) => ledgerFigures({ problems: await tx.listProblems(), measures: await tx.listMeasures() }, { asOf: '2026-12-14' }));
    expect(figures.total).toMatchObject({ found: 1, rectified: 1, measures: 2, measuresDone: 2, overdue: 0 });
  });

  it('assigns a task to two people; it is done when both have reported, and the assigner is told', async () => {
    const { chat, sec, zhang, li, leader } = await setup();
    expect(await h.say(zhang, chat, '/任务 写点东西 时限:月底 负责人:@李四')).toContain('/任务 只有管理员、书记、领导可以使用');
    const given = await h.say(sec, chat, '/任务 撰写数据共享专题调研报告 时限:年底前 负责人:@张三 @李四');
    expect(given).toContain('已交办督办事项 T1：撰写数据共享专题调研报告');
    expect(given).toContain('负责人：张三、李四（每人都报告后办结）');
    expect(given).toContain('时限：2026-12-31（周四），还有 28 个工作日');
    for (const p of [zhang, li]) expect((await posted(toUser(p))).join('\n')).toContain('王书记 交办给你督办事项 T1');

    expect(await h.say(leader, chat, '/完成 T1 我来报')).toBe('只有 T1 的负责人（张三、李四）可以报告办理结果。');
    expect(await h.say(zhang, chat, '/完成 T1')).toContain('缺少办理结果');
    expect(await h.say(zhang, chat, '/完成 T1 初稿已提交')).toContain('（1/2 人已报告，待：李四）');
    expect(await h.say(zhang, chat, '/完成 T1 再报一次')).toContain('你已于 2026-11-23 10:00 报告过 T1 的办理结果：初稿已提交');

    now = at('2026-11-25T16:00:00');
    // Issue 15: reporting is not the end; the assigner accepts (办结) each report and the task is done when all are.
    expect(await h.say(li, 'oc_p2p_li', '/完成 T1 已补充案例部分', { chatType: 'p2p' })).toContain('（2/2 人已报告，待交办人办结：张三、李四）');
    const told = (await posted(toChat(chat))).join('\n');
    expect(told).toContain('王书记：督办事项 T1「撰写数据共享专题调研报告」，李四 已报告办理结果：已补充案例部分');
    expect(await h.say(sec, chat, '/办结 T1 @张三')).toContain('（2/2 人已报告，待交办人办结：李四）');
    expect(await h.say(sec, chat, '/办结 T1')).toContain('（2/2 人已办结，事项已办结）');
    const shown = await h.say(sec, chat, '/任务 T1');
    expect(shown).toContain('T1【已办结】撰写数据共享专题调研报告');
    expect(shown).toContain('张三：2026-11-23 10:00 已报告：初稿已提交');
    expect(await h.app.store.read((tx) => tx.getTask('T1'))).toMatchObject({ status: '已办结', assigner: sec.openId, chatId: chat });
  });

  it('answers /截止 for each person: overdue first, 14 days by default, 本支部, 全部, 逾期, 30天', async () => {
    const { chat, sec, zhang, li, leader } = await setup();
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-31 负责人:@张三');
    await h.say(zhang, chat, '/措施 P1 建设交换平台 时限:2026-11-27 负责人:@李四');
    await h.say(zhang, chat, '/措施 P1 制定对接清单 时限:2026-12-04 负责人:@张三');
    await h.say(sec, chat, '/问题 办事指南更新不及时 责任单位:政务服务科 时限:2027-03-31 负责人:@李四');
    await h.say(sec, chat, '/任务 提交学习心得 时限:2026-11-30 负责人:@张三 @李四');

    now = at('2026-11-30T10:00:00');
    // Few open items: all of them, grouped (issue 13); a window asked for by name keeps the windowed list.
    const grouped = await h.say(li, chat, '/截止');
    expect(grouped).toContain('李四 的截止事项（今天 2026-11-30（周一），共 3 项）：\n逾期 1 项：\n· 措施 P1-1【整改中】建设交换平台 — 2026-11-27（周五），已逾期 1 个工作日\n本周 1 项：\n· 事项 T1【办理中】提交学习心得 — 2026-11-30（周一），今天到期\n以后 1 项：\n· 问题 P2【整改中】办事指南更新不及时 — 2027-03-31（周三）');
    const lis = await h.say(li, chat, '/截止 14天');
    expect(lis).toBe(
      [
        '李四 的截止事项（今天 2026-11-30（周一），14 天内）：',
        '逾期事项 1 项：',
        '· 措施 P1-1【整改中】建设交换平台 — 2026-11-27（周五），已逾期 1 个工作日',
        '14 天内到期 1 项：',
        '· 事项 T1【办理中】提交学习心得 — 2026-11-30（周一），今天到期',
        '另有 1 项时限在 14 天以后（/截止 28天 查看）。',
      ].join('\n'),
    );
    const zhangs = await h.say(zhang, chat, '/截止 14天');
    expect(zhangs).toContain('张三 的截止事项');
    expect(zhangs).not.toContain('逾期 ');
    expect(zhangs).toContain('· 事项 T1【办理中】提交学习心得 — 2026-11-30（周一），今天到期\n· 措施 P1-2【整改中】制定对接清单 — 2026-12-04（周五），还有 4 个工作日');
    expect(zhangs).not.toContain('问题 P1');
    expect(await h.say(zhang, chat, '/截止 31天')).toContain('· 问题 P1【整改中】数据共享不直接 — 2026-12-31（周四），还有 23 个工作日');
    const overdueOnly = await h.say(li, chat, '/截止 逾期');
    expect(overdueOnly).toContain('措施 P1-1');
    expect(overdueOnly).not.toContain('T1');

    const branch = await h.say(sec, chat, '/截止 本支部');
    expect(branch).toContain('「第一支部」截止事项');
    expect(branch).toContain('· 措施 P1-1【整改中】建设交换平台 — 2026-11-27（周五），已逾期 1 个工作日，李四');
    expect(branch).toContain('· 事项 T1【办理中】提交学习心得 — 2026-11-30（周一），今天到期，张三、李四');

    expect(await h.say(zhang, chat, '/截止 全部')).toBe('/截止 全部 只有领导和管理员可以使用；你可以查看 /截止 或 /截止 本支部。');
    const all = await h.say(leader, 'oc_p2p_leader', '/截止 全部 150天', { chatType: 'p2p' });
    expect(all).toContain('全局截止事项');
    expect(all).toContain('问题 P2【整改中】办事指南更新不及时 — 2027-03-31（周三）');
    expect(all).toContain('⚠ 2027年的调休安排尚未录入：法定假日已按放假计算，调休上班日未知');

    // Once 张三 has reported, T1 leaves his list but stays on 李四's.
    await h.say(zhang, chat, '/完成 T1 心得已提交');
    expect(await h.say(zhang, chat, '/截止')).not.toContain('T1');
    expect(await h.say(li, chat, '/截止')).toContain('事项 T1');
    expect(await h.say(li, chat, '/截止 500天')).toContain('天数应为 1—366');
  });

  it('refuses what a role may not do, saying who may; an admin voids a problem and it leaves the counts', async () => {
    const { admin, chat, sec, zhang, li } = await setup();
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-31 负责人:@张三');
    await h.say(zhang, chat, '/措施 P1 建设交换平台 时限:2026-12-20 负责人:@张三');
    await h.say(li, chat, '/问题 重复登记的问题 责任单位:数据资源科 时限:2026-12-31 负责人:@李四 来源:专项整治');
    const other = h.newChat();
    const qian = h.person('钱书记');
    await h.say(admin, other, '/绑定 第二支部');
    await h.say(admin, other, '/任命 @钱书记 书记');

    expect(await h.say(li, chat, '/销号 P1 做完了')).toBe('只有 P1 的牵头负责人（张三）、「第一支部」书记或管理员可以申请销号。');
    expect(await h.say(li, chat, '/延期 P1 2027-01-31 忙')).toBe('只有 P1 的牵头负责人（张三）、「第一支部」书记或管理员可以申请延期。');
    expect(await h.say(li, chat, '/整改 P1 进展 帮忙推进')).toBe('只有 P1 的牵头负责人（张三）、措施负责人、「第一支部」书记或管理员可以报告进展。');
    expect(await h.say(li, chat, '/整改 P1-1 完成 做好了')).toBe('只有 P1-1 的负责人（张三）、P1 的牵头负责人（张三）、「第一支部」书记或管理员可以报告。');
    await h.say(zhang, chat, '/销号 P1 已建成 强制');
    expect(await h.say(qian, other, '/审核 P1 通过')).toBe('只有「第一支部」书记、领导或管理员可以审核 P1。');
    expect(await h.say(qian, other, '/问题 P1')).toBe('P1 属于「第一支部」：只有该支部成员、牵头负责人、措施负责人、领导和管理员可以查看。');
    expect(await h.say(sec, chat, '/问题 P1')).toContain('尚有未完成措施：P1-1');
    expect(await h.say(sec, chat, '/作废 P2 重复')).toContain('/作废 只有管理员可以使用');

    const voided = await h.say(admin, chat, '/作废 P2 与 P1 重复登记');
    expect(voided).toContain('P2（重复登记的问题）已作废，理由：与 P1 重复登记。');
    expect(await h.say(admin, chat, '/作废 P2 再来')).toContain('P2 已于 2026-11-23 10:00 作废（与 P1 重复登记）。');
    expect(await h.say(li, chat, '/问题 P2')).toContain('已作废：2026-11-23 10:00，理由：与 P1 重复登记（不计入统计）');
    expect(await h.say(li, chat, '/整改 P2 进展 x')).toContain('P2 已于 2026-11-23 10:00 作废（与 P1 重复登记），不能再报告进展。');
    const list = await h.say(li, chat, '/问题 列表');
    expect(list).toContain('P2【已作废】重复登记的问题');
    expect(list).toContain('（共 1 个：整改中 0，申请延期 0，待审核 1，已整改销号 0；逾期 0）');
    expect(await h.say(li, chat, '/问题 列表 全部')).toBe('只有领导和管理员可以查看全部支部的问题；你可以查看本支部：/问题 列表 本支部。');
    expect(await h.say(li, chat, '/问题 列表 待审核')).toContain('P1【待审核】');

    const figures = await h.app.store.read(async (tx) => ledgerFigures({ problems: await tx.listProblems(), measures: await tx.listMeasures() }, { asOf: '2026-11-23' }));
    expect(figures.total).toMatchObject({ found: 1, pendingReview: 1, measures: 1 });
    expect(figures.bySource['专项整治']).toBeUndefined();
    expect(figures.voided).toBe(1);
  });

  it('answers bad input in Chinese, naming the field with an example, and stores nothing', async () => {
    const { chat, zhang } = await setup();
    const cases: [string, string][] = [
      ['/问题 数据共享不直接 责任单位:数据资源科 负责人:@张三', '缺少时限：请写 时限:<日期>，如 时限:12月31日、时限:下月底。'],
      ['/问题 数据共享不直接 责任单位:数据资源科 时限:12月31日', '缺少负责人：请写 负责人:@某人'],
      ['/问题 数据共享不直接 时限:12月31日 负责人:@张三', '缺少责任单位'],
      ['/问题 数据共享不直接 责任单位:数据资源科 时限:下下下个月吧 负责人:@张三', '时限：无法识别日期「下下下个月吧」'],
      ['/问题 数据共享不直接 责任单位:数据资源科 时限:2026-11-01 负责人:@张三', '时限 2026-11-01（周日） 已经过去（今天是 2026-11-23（周一））'],
      ['/问题 数据共享不直接 责任单位:数据资源科 时限:2026-02-30 负责人:@张三', '2026年2月只有28天'],
      ['/问题 数据共享不直接 责任单位:数据资源科 时限:12月31日 负责人:王五', '负责人「王五」不是 @ 提及'],
      ['/问题 数据共享不直接 责任单位:数据资源科 时限:12月31日 负责人:@张三 来源:网上', '来源「网上」不认识'],
      ['/问题 时限:12月31日 负责人:@张三 责任单位:科', '缺少问题描述'],
    ];
    for (const [text, error] of cases) {
      const reply = await h.say(zhang, chat, text);
      expect(reply).toContain(error);
      expect(reply).toContain('正确格式：/问题 <描述>');
    }
    expect(await h.say(zhang, chat, '/问题 P999')).toBe('没有问题 P999。发送 /问题 列表 查看问题清单。');
    expect(await h.say(zhang, chat, '/措施 P999 做事 时限:月底 负责人:@张三')).toBe('没有问题 P999。发送 /问题 列表 查看问题清单。');
    expect(await h.say(zhang, chat, '/整改 P9-9 完成 x')).toBe('没有措施 P9-9。发送 /问题 P9 查看该问题的措施。');
    expect(await h.say(zhang, chat, '/完成 T9 x')).toBe('没有督办事项 T9。发送 /截止 查看你的待办。');
    expect(await h.app.store.read((tx) => tx.listProblems())).toEqual([]);

    // Numbers consumed by refused commands were rolled back too.
    expect(await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:12月31日 负责人:@张三')).toContain('已登记问题 P1');
    const bad: [string, string][] = [
      ['/措施 P1 建平台 负责人:@张三', '缺少时限'],
      ['/措施 P1 时限:月底 负责人:@张三', '缺少措施内容'],
      ['/延期 P1 2026-12-01 来不及', '新时限 2026-12-01（周二） 不晚于现在的时限 2026-12-31（周四），无需延期。'],
      ['/延期 P1 2027-01-31', '缺少延期理由'],
      ['/销号 P1', '缺少整改情况与佐证'],
      ['/整改 P1', '缺少进展内容'],
    ];
    for (const [text, error] of bad) expect(await h.say(zhang, chat, text)).toContain(error);
    const p = (await h.app.store.read((tx) => tx.getProblem('P1')))!;
    expect(p.history).toHaveLength(1);
    expect(p.status).toBe('整改中');
    expect(await h.app.store.read((tx) => tx.listMeasures())).toEqual([]);
  });
});
