import { afterEach, describe, expect, it } from 'vitest';
import { Harness, type Person } from '../support/harness.js';

let h: Harness;
let now: Date;
afterEach(async () => {
  await h?.close();
});

/** 第一支部: secretary 张三, members 李四 王五 赵六 孙七; 刘局长 a leader whose home branch it is; 第二支部: 周八. */
async function setup(at: string) {
  now = new Date(at);
  h = await Harness.start({ clock: () => now });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const other = h.newChat();
  const dm = (p: Person) => `oc_p2p_${p.openId}`;
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, other, '/绑定 第二支部');
  const [zhang, li, wang, zhao, sun, zhou, liu] = ['张三', '李四', '王五', '赵六', '孙七', '周八', '刘局长'].map((n) => h.person(n)) as Person[] as [Person, Person, Person, Person, Person, Person, Person];
  for (const p of [zhang, li, wang, zhao, sun]) await h.say(p, chat, '/指标');
  await h.say(zhou, other, '/指标');
  await h.say(admin, dm(admin), '/任命 @张三 书记 第一支部', { chatType: 'p2p' });
  await h.say(admin, dm(admin), '/任命 @刘局长 领导 第一支部', { chatType: 'p2p' });
  return { admin, chat, other, zhang, li, wang, zhao, sun, zhou, liu, dm };
}

const record = (id: string) => h.app.store.read((tx) => tx.getStudyRecord(id));

describe('/会议: a meeting with its attendance, entered once', () => {
  it('records 全体 minus leave and absence, counts each attendee, and a leader of the branch attends as a member', async () => {
    const { chat, zhang, li, wang, zhao, sun, liu } = await setup('2026-12-03T15:00:00+08:00');
    expect(await h.say(zhang, chat, '/会议 支部党员大会 今天 2小时 主题:学习党的二十届四中全会精神 主持:@张三 记录:@李四 地点:三楼会议室 实到:全体 请假:@赵六(出差) 缺席:@王五')).toBe(
      [
        '已记录 S1：2026-12-03（周四）支部党员大会 2小时 学习党的二十届四中全会精神（地点：三楼会议室）（第一支部）',
        '主持：张三 · 记录：李四',
        '应到 6 人，实到 4 人：张三、李四、孙七、刘局长',
        '请假 1 人：赵六（出差）',
        '缺席 1 人：王五',
        '补学后登记：/补学 S1 @某人 [补学内容]',
      ].join('\n'),
    );
    const s1 = await record('S1');
    expect(s1).toMatchObject({ form: '支部党员大会', personId: zhang.openId, branchId: 'B1', minutes: 120, entered: { by: zhang.openId } });
    expect(new Set([s1!.personId, ...s1!.attendees])).toEqual(new Set([zhang.openId, li.openId, sun.openId, liu.openId]));
    expect(s1!.meeting).toMatchObject({ kind: '支部党员大会', host: zhang.openId, recorder: li.openId, absent: [wang.openId], leave: [{ personId: zhao.openId, reason: '出差' }] });

    // 补学 is recorded against the meeting, once, only for who missed it.
    expect(await h.say(wang, chat, '/补学 S1 自学会议文件')).toBe('已记录 王五 2026-12-03（周四） 补学 S1（2026-12-03（周四）支部党员大会「学习党的二十届四中全会精神」）：自学会议文件。');
    expect(await h.say(zhang, chat, '/补学 S1 @李四')).toBe('李四 没有在 S1 中记为请假或缺席，无需补学。');
    expect(await h.say(wang, chat, '/补学 S1')).toBe('王五 已登记过 S1 的补学。');
    expect((await record('S1'))!.meeting!.makeups).toMatchObject([{ personId: wang.openId, note: '自学会议文件' }]);
  });

  it('refuses what a secretary got wrong with the right form, and changes nothing', async () => {
    const { chat, zhang, li } = await setup('2026-12-03T15:00:00+08:00');
    const bad = await h.say(zhang, chat, '/会议 座谈会 主题:交流 实到:全体');
    expect(bad).toContain('会议：不认识「座谈会」。可选：支部党员大会、支委会、党小组会、党课、主题党日、组织生活会、民主评议党员、谈心谈话、警示教育；领导班子：中心组学习、民主生活会');
    expect(bad).toContain('/会议 <会议> [日期] 主题:<主题> 主持:@某人 记录:@某人 地点:<地点> 实到:全体|@某人');
    expect(await h.say(zhang, chat, '/会议 支部党员大会 主题:学习党章')).toContain('缺少实到：写 实到:全体');
    expect(await h.say(zhang, chat, '/会议 支部党员大会 实到:全体')).toContain('缺少主题');
    expect(await h.say(zhang, chat, '/会议 支部党员大会 主题:学习党章 实到:全体 请假:@李四(出差) 缺席:@李四')).toContain('李四 在 实到、请假、缺席 中出现了两次');
    expect(await h.say(zhang, chat, '/会议 支部党员大会 12月9日 主题:学习党章 实到:全体')).toContain('晚于今天');
    expect(await h.say(zhang, chat, '/会议 支部党员大会 @李四 主题:学习党章 实到:全体')).toContain('李四 要写在 实到:、请假:、缺席: 或 主持:、记录: 后面');
    expect(await h.say(zhang, chat, '/会议 支部党员大会 主题:学习党章 实到:全体')).toContain('已记录 S1');
    expect(await h.say(li, chat, '/会议 支部党员大会 主题:学习党章 实到:全体')).toContain('重复登记：2026-12-03（周四） 的支部党员大会「学习党章」已记为 S1');
    expect((await h.app.store.read((tx) => tx.listStudyRecords())).map((r) => r.id)).toEqual(['S1']);
  });

  it('/学习 keeps working: meeting words are their own forms, 民主生活会 is the leadership\'s', async () => {
    const { chat, zhang, li } = await setup('2026-12-03T15:00:00+08:00');
    expect(await h.say(zhang, chat, '/学习 2小时 支委会 研究发展党员 参加:@李四')).toBe('已记录 S1：2026-12-03（周四）支委会 2小时 研究发展党员，计入 张三、李四');
    expect(await h.say(li, chat, '/学习 1小时 谈心谈话 与书记谈心')).toBe('已记录 S2：2026-12-03（周四）谈心谈话 1小时 与书记谈心，计入 李四');
    expect(await h.say(li, chat, '/学习 2小时 民主生活会 对照检查')).toBe('民主生活会是党组（领导班子）的会议；支部召开的是组织生活会，如 /会议 组织生活会 主题:… 实到:全体。');
    expect(await h.say(zhang, chat, '/学习 2小时 三会一课 党章')).toContain('支部集体学习 2小时 党章');
  });

  it('an admin changes how often a meeting is required, per branch, and /组织生活 follows', async () => {
    const { admin, chat, zhang, dm } = await setup('2026-12-03T15:00:00+08:00');
    expect(await h.say(zhang, chat, '/组织生活 设置 党小组会 每季度')).toBe('组织生活的要求由管理员（党建办）设置。');
    expect(await h.say(admin, dm(admin), '/组织生活 设置 党小组会 每季度 支部:第一支部', { chatType: 'p2p' })).toBe('已设置：第一支部 党小组会 每季度1次（原为 每月1次）。');
    expect(await h.say(admin, dm(admin), '/组织生活 设置 主题党日 不要求 支部:第一支部', { chatType: 'p2p' })).toBe('已设置：第一支部 主题党日 不要求（原为 每月1次）。');
    expect(await h.say(admin, dm(admin), '/组织生活 设置 中心组学习 每月 2次', { chatType: 'p2p' })).toBe('已设置：领导班子 中心组学习 每月2次（原不要求）。');
    const rules = await h.say(zhang, chat, '/组织生活 规则');
    expect(rules).toContain('· 党小组会 每季度1次\n');
    expect(rules).not.toContain('主题党日');
    expect(rules).toContain('领导班子：\n· 中心组学习 每月2次\n· 民主生活会 每年1次（默认）');
    const view = await h.say(zhang, chat, '/组织生活 本月');
    expect(view).toContain('党小组会（每季度1次）\n· 2026年第四季度：待开（2026-12-31（周四） 前）');
    expect(view).not.toContain('主题党日');
    // The other branches keep the office's defaults.
    expect(await h.say(admin, dm(admin), '/组织生活 规则 第二支部', { chatType: 'p2p' })).toContain('· 主题党日 每月1次（默认）');
    expect(await h.say(zhang, chat, '/组织生活 全局')).toContain('全局的组织生活由领导和管理员查看');
  });
});
