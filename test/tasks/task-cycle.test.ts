import { afterEach, describe, expect, it } from 'vitest';
import type { SentMessage } from '../../src/sandbox/open-platform.js';
import { buttons } from '../support/card-buttons.js';
import { Harness, textOf, type Person } from '../support/harness.js';

let h: Harness;
let now: Date;
afterEach(async () => {
  await h?.close();
});

const at = (local: string) => new Date(`${local}+08:00`);
const toUser = (p: Person) => (m: SentMessage) => m.kind === 'create' && m.receiveIdType === 'open_id' && m.receiveId === p.openId;

/** Two bound branches, a secretary, three members and a leader with the leadership chat; Monday 2026-11-23 10:00. */
async function setup() {
  now = at('2026-11-23T10:00:00');
  h = await Harness.start({ clock: () => now, adminToken: 'tok' });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const other = h.newChat();
  const leaders = h.newChat();
  const [sec, zhang, li, qian, leader] = ['王书记', '张三', '李四', '钱七', '赵局长'].map((n) => h.person(n)) as [Person, Person, Person, Person, Person];
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, chat, '/任命 @王书记 书记');
  await h.say(admin, chat, '/任命 @张三 党员');
  await h.say(admin, chat, '/任命 @李四 党员');
  await h.say(admin, other, '/绑定 第二支部');
  await h.say(admin, other, '/任命 @钱七 党员');
  await h.say(admin, 'oc_p2p_admin', '/任命 @赵局长 领导', { chatType: 'p2p' });
  await h.say(admin, leaders, '/绑定 领导班子');
  return { admin, chat, other, leaders, sec, zhang, li, qian, leader };
}

async function runReminders(): Promise<SentMessage[]> {
  const before = h.platform.sent.length;
  const res = await fetch(`${h.app.url}/admin/jobs/reminders/run`, { method: 'POST', headers: { authorization: 'Bearer tok' }, body: JSON.stringify({ at: now.toISOString() }) });
  expect(res.status).toBe(200);
  await h.app.settle();
  return h.platform.sent.slice(before);
}

async function told(p: Person): Promise<string> {
  await h.app.settle();
  return h.texts(toUser(p)).join('\n');
}

describe('督办事项: extended, reassigned, returned once and accepted; a mistaken one cancelled', () => {
  it('runs a leader’s cross-branch task from the leadership chat through extension, reassignment, a return and acceptance', async () => {
    const { leaders, zhang, li, qian, leader } = await setup();
    const given = await h.say(leader, leaders, '/任务 撰写数据共享专题调研报告 时限:2026-12-11 负责人:@张三 @钱七');
    expect(given).toContain('已交办督办事项 T1');
    expect(given).toContain('时限：2026-12-11（周五）');

    // An assignee asks for more time; the assigner decides, as for problems.
    const asked = await h.say(zhang, 'oc_p2p_zhang', '/延期 T1 2026-12-18 需要等待年度统计数据', { chatType: 'p2p' });
    expect(asked).toContain('T1 已申请延期，等待交办人 赵局长 审核。');
    expect(asked).toContain('申请新时限：2026-12-18（周五）');
    const card = h.platform.sent.find((m) => toUser(leader)(m) && m.msgType === 'interactive' && textOf(m).includes('申请督办事项 T1 延期'));
    expect(card).toBeDefined();
    expect(await h.say(zhang, 'oc_p2p_zhang', '/审核 T1 同意延期', { chatType: 'p2p' })).toContain('/审核 只有');
    // The assigner decides on the card sent to them privately.
    const approve = buttons(card!.content).find((b) => b.value.a === 'run')!;
    const pressed = await h.press(leader, card!, approve.value);
    expect((pressed.json as { toast: { type: string; content: string } }).toast).toMatchObject({ type: 'success', content: 'T1 同意延期。' });
    await h.app.settle();
    expect((await h.app.store.read((tx) => tx.getTask('T1')))!.deadline).toBe('2026-12-18');
    expect(JSON.stringify(h.platform.contentOf(card!.messageId))).toContain('已同意延期');
    expect(await told(zhang)).toContain('赵局长 审核了你对督办事项 T1 的延期申请');

    // Reassigned: 张三 is seconded elsewhere; 李四 takes over, 钱七 stays.
    expect(await h.say(zhang, 'oc_p2p_zhang', '/修改 T1 负责人:@李四 理由:我要借调', { chatType: 'p2p' })).toContain('只有 T1 的交办人（赵局长）');
    const moved = await h.say(leader, leaders, '/修改 T1 负责人:@李四 @钱七 理由:张三借调至市局');
    expect(moved).toContain('负责人：张三、钱七 → 李四、钱七');
    expect(await told(li)).toContain('赵局长 改派督办事项 T1 由你负责');
    expect(await told(zhang)).toContain('不再由你负责');
    expect(await h.say(zhang, 'oc_p2p_zhang', '/完成 T1 写好了', { chatType: 'p2p' })).toContain('只有 T1 的负责人（李四、钱七）');

    // 李四 reports; the assigner returns it once, with a reason.
    expect(await h.say(li, 'oc_p2p_li', '/完成 T1 初稿已提交', { chatType: 'p2p' })).toContain('（1/2 人已报告，待：钱七）');
    expect(await told(leader)).toContain('李四 已报告办理结果：初稿已提交');
    expect(await h.say(leader, leaders, '/退回 T1 @李四')).toContain('退回需要写明理由');
    const back = await h.say(leader, leaders, '/退回 T1 @李四 缺少对策建议部分');
    expect(back).toContain('已退回 李四 对 T1 的办理结果，理由：缺少对策建议部分');
    expect(await told(li)).toContain('理由：缺少对策建议部分');

    // Past the deadline, the returned assignee is on the reminder ladder again (as is 钱七, who has not reported).
    now = at('2026-12-21T09:00:00');
    const sent = (await runReminders()).filter((m) => textOf(m).includes('T1'));
    const reminded = JSON.stringify(sent.map((m) => m.content));
    expect(reminded).toContain(li.openId);
    expect(reminded).toContain(qian.openId);
    expect(reminded).not.toContain(zhang.openId);
    // A task's reminder offers only what exists for tasks: 申请延期 (/延期 T1, decided by the assigner) and 标记完成.
    const offered = sent.flatMap((m) => buttons(m.content)).filter((b) => b.value.ref === 'T1');
    expect([...new Set(offered.map((b) => b.value.form))].sort()).toEqual(['done', 'extend']);
    expect(sent.map(textOf).join('\n')).toContain('如需延期请用 /延期 T1 说明理由，由交办人审核');

    expect(await h.say(li, 'oc_p2p_li', '/完成 T1 已补充对策建议', { chatType: 'p2p' })).toContain('1/2 人已报告');
    expect(await h.say(qian, 'oc_p2p_qian', '/完成 T1 第二支部部分已完成', { chatType: 'p2p' })).toContain('（2/2 人已报告，待交办人办结：李四、钱七）');
    expect(await h.say(li, 'oc_p2p_li', '/办结 T1 @李四', { chatType: 'p2p' })).toContain('/办结 只有管理员、书记、领导可以使用');
    expect(await h.say(leader, leaders, '/办结 T1 @李四 很好')).toContain('（2/2 人已报告，待交办人办结：钱七）');
    expect(await h.say(leader, leaders, '/办结 T1')).toContain('（2/2 人已办结，事项已办结）');

    expect(await h.say(zhang, 'oc_p2p_zhang', '/任务 T1', { chatType: 'p2p' })).toContain('T1 不是交给你或你所在支部的督办事项');
    const shown = await h.say(leader, leaders, '/任务 T1');
    expect(shown).toContain('T1【已办结】撰写数据共享专题调研报告');
    for (const line of ['张三 申请延期', '赵局长 同意延期：时限 2026-12-11 → 2026-12-18', '赵局长 改派负责人：张三、钱七 → 李四、钱七；张三借调至市局', '李四 报告办理结果：初稿已提交', '赵局长 退回办理结果：李四：缺少对策建议部分', '赵局长 办结：李四：已补充对策建议；意见：很好']) {
      expect(shown).toContain(line);
    }
    expect((await h.app.store.read((tx) => tx.getTask('T1')))!.status).toBe('已办结');
    expect(await h.say(leader, leaders, '/任务 列表 我交办的 已办结')).toContain('T1【已办结】');
  });

  it('cancels a mistaken task with a reason: kept and readable, never reminded or escalated again', async () => {
    const { chat, leaders, sec, zhang, li, leader } = await setup();
    await h.say(sec, chat, '/任务 提交学习心得 时限:2026-11-25 负责人:@张三');
    await h.say(sec, chat, '/任务 提交调研提纲 时限:2026-11-25 负责人:@李四');
    expect(await h.say(zhang, chat, '/取消督办 T1 不需要了')).toContain('/取消督办 只有管理员、书记、领导可以使用');
    // A leader who did not give it is not its assigner, secretary or an admin.
    expect(await h.say(leader, chat, '/取消督办 T1 不需要了')).toBe('只有 T1 的交办人（王书记）、「第一支部」书记或管理员可以取消督办。');
    expect(await h.say(sec, chat, '/取消督办 T1')).toContain('缺少取消原因');
    const cancelled = await h.say(sec, chat, '/取消督办 T1 交办对象有误');
    expect(cancelled).toContain('督办事项 T1「提交学习心得」已由 王书记 取消督办，原因：交办对象有误');
    expect(await told(zhang)).toContain('取消督办');
    expect(await h.say(zhang, chat, '/完成 T1 写好了')).toContain('T1 已于 2026-11-23 10:00 取消督办（交办对象有误），不能再报告办理结果');
    expect(await h.say(sec, chat, '/延期 T1 2026-12-31 再等等')).toContain('已于 2026-11-23 10:00 取消督办');
    expect(await h.say(sec, chat, '/任务 T1')).toContain('T1【已撤销】提交学习心得');
    expect(await h.say(li, chat, '/任务 T1')).toContain('T1【已撤销】提交学习心得');

    // Every rung of the ladder, up to the leadership escalation, passes without a word about T1; T2 still escalates.
    let everything = '';
    for (const day of ['2026-11-25', '2026-11-26', '2026-11-27', '2026-12-01', '2026-12-04', '2026-12-09', '2026-12-10']) {
      now = at(`${day}T09:00:00`);
      everything += JSON.stringify((await runReminders()).map((m) => m.content));
    }
    expect(everything).toContain('T2');
    expect(everything).not.toContain('T1');
    expect(everything).toContain('逾期升级');
    const mine = await h.say(zhang, chat, '/截止');
    expect(mine).not.toContain('T1');
    expect(await h.say(sec, chat, '/任务 列表 本支部')).not.toContain('T1');
    expect(await h.say(sec, chat, '/任务 列表 本支部 已撤销')).toContain('T1【已撤销】提交学习心得');
    void leaders;
    void li;
  });
});
