import { afterEach, describe, expect, it } from 'vitest';
import { Harness, textOf, type Person } from '../support/harness.js';

let h: Harness;
let now: Date;
afterEach(async () => {
  await h?.close();
});

/** A bureau with 第一支部 (secretary 张三, members 李四 王五 赵六), 第二支部 (孙七), and leader 刘局长 outside any branch. */
async function setup(at: string) {
  now = new Date(at);
  h = await Harness.start({ clock: () => now });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const other = h.newChat();
  const dm = (p: Person) => `oc_p2p_${p.openId}`;
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, other, '/绑定 第二支部');
  const [zhang, li, wang, zhao, sun, liu] = ['张三', '李四', '王五', '赵六', '孙七', '刘局长'].map((n) => h.person(n)) as [Person, Person, Person, Person, Person, Person];
  for (const p of [zhang, li, wang, zhao]) await h.say(p, chat, '/指标');
  await h.say(sun, other, '/指标');
  expect(await h.say(admin, dm(admin), '/任命 @张三 书记 第一支部', { chatType: 'p2p' })).toContain('已任命 张三 为「第一支部」书记');
  expect(await h.say(admin, dm(admin), '/任命 @刘局长 领导', { chatType: 'p2p' })).toContain('已任命 刘局长 为领导');
  return { admin, chat, other, zhang, li, wang, zhao, sun, liu, dm };
}

const records = () => h.app.store.read((tx) => tx.listStudyRecords({ includeVoided: true }));

describe('study log: one entry per activity, counted for everyone present', () => {
  it('logs a collective session once for four people, voids a record, and /我的 and /学习 统计 match the records exactly', async () => {
    const { chat, zhang, li, wang, zhao, liu, dm } = await setup('2026-11-23T10:00:00+08:00');

    // The seed plans' quotas are in force with nobody configuring them.
    expect(await h.say(li, chat, '/指标')).toContain('· 党员 志愿服务 每月至少1次（默认）\n· 领导 志愿服务 每季度至少1次（默认）\n· 领导 专题党课 每年至少1次（默认）');

    expect(await h.say(zhang, chat, '/学习 2小时 三会一课 《习近平著作选读》第一卷 参加:@李四 @王五 @赵六')).toBe(
      '已记录 S1：2026-11-23（周一）支部集体学习 2小时《习近平著作选读》第一卷，计入 张三、李四、王五、赵六',
    );
    expect(await h.say(li, chat, '/志愿 文明交通劝导 3小时')).toBe('已记录 S2：2026-11-23（周一）志愿服务 3小时 文明交通劝导，计入 李四');
    expect(await h.say(wang, chat, '/study 1.5h 自学 党章 日期:昨天')).toBe('已记录 S3：2026-11-22（周日）个人自学 1.5小时 党章，计入 王五');
    // A secretary enters an activity on a member's behalf; the record says who typed it.
    expect(await h.say(zhang, chat, '/志愿 社区政策宣讲 半天 代录:@赵六 日期:11月20日')).toBe(
      '已记录 S4：2026-11-20（周五）志愿服务 4小时 社区政策宣讲，计入 赵六\n由 张三 代录。',
    );
    expect(await h.app.store.read((tx) => tx.getStudyRecord('S4'))).toMatchObject({ personId: zhao.openId, entered: { by: zhang.openId }, branchId: 'B1' });
    const s1 = await h.app.store.read((tx) => tx.getStudyRecord('S1'));
    expect(s1).toMatchObject({ personId: zhang.openId, attendees: [li.openId, wang.openId, zhao.openId], minutes: 120, form: '支部集体学习' });

    // Someone else's record cannot be voided by a member; the author can, and it stays in the ledger.
    expect(await h.say(li, chat, '/撤销 S3')).toBe('只有登记人、王五或其支部书记可以撤销 S3。');
    expect(await h.say(wang, chat, '/撤销 s3 日期记错')).toBe(
      '已撤销 S3：2026-11-22（周日）个人自学 1.5小时 党章（原因：日期记错）。记录保留在台账中并标明撤销，不再计入 王五。',
    );
    expect(await h.say(wang, chat, '/撤销 S3')).toBe('S3 已于 2026-11-23（周一） 由 王五 撤销。');
    expect((await records()).map((r) => [r.id, r.voided?.reason])).toEqual([
      ['S4', undefined],
      ['S3', '日期记错'],
      ['S1', undefined],
      ['S2', undefined],
    ]);

    expect(await h.say(li, chat, '/我的')).toBe(
      [
        '李四（第一支部 · 党员）的学习台账，截至 2026-11-23（周一）：',
        '本月（2026年11月）：2 次，5 小时：支部集体学习 1 次 2 小时；志愿服务 1 次 3 小时',
        '本季度（2026年第四季度）：2 次，5 小时：支部集体学习 1 次 2 小时；志愿服务 1 次 3 小时',
        '本年（2026年）：2 次，5 小时：支部集体学习 1 次 2 小时；志愿服务 1 次 3 小时',
        '指标：',
        '· 志愿服务 每月至少1次：1/1 已完成（2026年11月，截至 2026-11-30（周一））',
      ].join('\n'),
    );
    expect(await h.say(wang, chat, '/me')).toBe(
      [
        '王五（第一支部 · 党员）的学习台账，截至 2026-11-23（周一）：',
        '本月（2026年11月）：1 次，2 小时：支部集体学习 1 次 2 小时',
        '本季度（2026年第四季度）：1 次，2 小时：支部集体学习 1 次 2 小时',
        '本年（2026年）：1 次，2 小时：支部集体学习 1 次 2 小时',
        '指标：',
        '· 志愿服务 每月至少1次：0/1 尚差1次（2026年11月，截至 2026-11-30（周一））',
      ].join('\n'),
    );

    // The secretary's figures in a private chat name who has not yet met a quota.
    const stats = [
      '「第一支部」学习统计 · 2026年11月：2026-11-01（周日）至2026-11-30（周一）',
      '学习活动次数 3 次，学时 9 小时，参与人次 6 人次，参与率 4/4 人（100.0%）',
      '按形式：3 次，9 小时：支部集体学习 1 次 2 小时；志愿服务 2 次 7 小时',
      '指标完成（截至 2026-11-23（周一），本期到期的指标）：',
    ];
    expect(await h.say(zhang, dm(zhang), '/学习 统计', { chatType: 'p2p' })).toBe(
      [...stats, '· 党员 志愿服务 每月至少1次（2026年11月）：已完成 2/4 人；尚未完成：张三、王五'].join('\n'),
    );
    // In the branch group the names go to the asker privately, never to the group.
    const sentBefore = h.platform.sent.length;
    expect(await h.say(zhang, chat, '/学习 统计 本支部 本月')).toBe(
      [...stats, '· 党员 志愿服务 每月至少1次（2026年11月）：已完成 2/4 人，尚未完成 2 人', '尚未完成指标的名单已私信发给你。'].join('\n'),
    );
    const dmToZhang = await h.platform.waitFor((m) => m.seq > sentBefore && m.receiveId === zhang.openId, 5000);
    expect(textOf(dmToZhang)).toContain('尚未完成：张三、王五');
    expect(h.texts((m) => m.chatId === chat).some((t) => t.includes('尚未完成：'))).toBe(false);

    // A member sees only their own figures.
    expect(await h.say(li, chat, '/学习 统计')).toBe('学习统计由支部书记、领导和管理员查看；查看自己的记录请发 /我的。');

    // A leader gives a 专题党课 at the branch; it meets the leader's year quota, and the leader is never on a member quota.
    expect(await h.say(liu, dm(liu), '/党课 以数字政府建设推动高质量发展 支部:第一支部 参加:@李四 @王五', { chatType: 'p2p' })).toBe(
      '已记录 S5：2026-11-23（周一）专题党课 以数字政府建设推动高质量发展（第一支部），计入 刘局长、李四、王五',
    );
    const leaderMe = await h.say(liu, dm(liu), '/我的', { chatType: 'p2p' });
    expect(leaderMe).toContain('刘局长（领导）的学习台账');
    expect(leaderMe).toContain('· 志愿服务 每季度至少1次：0/1 尚差1次（2026年第四季度，截至 2026-12-31（周四））\n· 专题党课 每年至少1次：1/1 已完成（2026年，截至 2026-12-31（周四））');
    expect(leaderMe).not.toContain('每月');

    expect(await h.say(liu, dm(liu), '/学习 统计', { chatType: 'p2p' })).toBe(
      [
        '全局学习统计 · 2026年11月：2026-11-01（周日）至2026-11-30（周一）',
        '学习活动次数 4 次，学时 9 小时，参与人次 9 人次，参与率 5/7 人（71.4%）',
        '按形式：4 次，9 小时：支部集体学习 1 次 2 小时；专题党课 1 次；志愿服务 2 次 7 小时',
        '各支部：',
        '· 第一支部：学习活动次数 4 次，学时 9 小时，参与人次 8 人次，参与率 4/4 人（100.0%）；指标完成 2/4',
        '· 第二支部：学习活动次数 0 次，学时 0 小时，参与人次 0 人次，参与率 0/1 人（0.0%）；指标完成 0/1',
        '指标完成（截至 2026-11-23（周一），本期到期的指标）：',
        '· 党员 志愿服务 每月至少1次（2026年11月）：已完成 2/6 人；尚未完成：王主任、张三、王五、孙七',
      ].join('\n'),
    );
    // The leader's quotas fall due in the quarter and the year, so the year's figures show them.
    const year = await h.say(liu, dm(liu), '/学习 统计 本年', { chatType: 'p2p' });
    expect(year).toContain('· 领导 志愿服务 每季度至少1次（2026年第四季度）：已完成 0/1 人；尚未完成：刘局长');
    expect(year).toContain('· 领导 专题党课 每年至少1次（2026年）：已完成 1/1 人');
    // A secretary may not look at another branch.
    expect(await h.say(zhang, dm(zhang), '/学习 统计 第二支部', { chatType: 'p2p' })).toBe('书记只能查看本支部的学习统计；其他支部请领导或管理员查看。');
    const badStats = await h.say(liu, dm(liu), '/学习 统计 第九支部', { chatType: 'p2p' });
    expect(badStats).toBe(
      '「第九支部」既不是支部名也不是时段。现有支部：第一支部、第二支部；时段可写 本月、上月、本季度、本年、11月、2026年3月、第三季度、2025年。\n正确格式：/学习 统计 [本支部|支部名] [本月|本季度|本年|11月]\n例：/学习 统计 第一支部 本季度',
    );
  });

  it('answers every malformed entry with the field and a correct example, and stores nothing', async () => {
    const { chat, zhang, li, sun } = await setup('2026-11-23T10:00:00+08:00');
    const usage = '\n正确格式：/学习 <时长> [形式] <内容>';
    const cases: [Person, string, string][] = [
      [li, '/学习 研讨 《党章》', '缺少时长：请写本次用时，如 2小时、1.5h、90分钟、2h30m、半天。'],
      [li, '/学习 25小时 自学 党章', '时长「25小时」超过 24 小时'],
      [li, '/学习 0小时 自学 党章', '时长「0小时」为 0'],
      [li, '/学习 2小时 座谈会 《党章》', '形式：不认识「座谈会」。可选：理论学习中心组集中研讨'],
      [li, '/学习 2小时 形式:茶话会 党章', '形式：不认识「茶话会」'],
      [li, '/学习 2小时 自学', '缺少学习内容（材料或书名）。'],
      [li, '/学习 2小时 自学 党章 日期:明天', '日期「明天」是 2026-11-24（周二），晚于今天 2026-11-23（周一）：只能登记已经发生的活动。'],
      [li, '/学习 2小时 自学 党章 日期:10月1日', '日期 2026-10-01（周四） 已是 53 天前：本人只能补登 30 天内的活动，更早的请支部书记代录。'],
      [li, '/学习 2小时 自学 党章 日期:13月1日', '日期：「13月1日」不是有效日期'],
      [zhang, '/学习 2小时 三会一课 《党章》 参加:@李四 @孙七', '参加：孙七 不是「第一支部」的成员，不能计入本次活动'],
      [zhang, '/学习 2小时 三会一课 《党章》 参加:李四', '参加：请用 @ 选择参加的同事'],
      [zhang, '/学习 2小时 三会一课 《党章》 @李四', '要把 李四 计入本次活动，请写在 参加: 后面，如 参加:@李四。'],
      [zhang, '/志愿 社区服务 2小时 代录:@孙七', '代录：书记只能为本支部党员代录，孙七 不是「第一支部」的成员。'],
      [zhang, '/志愿 2小时', '缺少活动名称。'],
      [zhang, '/志愿 社区服务', '缺少时长'],
      [zhang, '/学习 2小时 自学 党章 支部:第一支部', '支部: 只用于专题党课'],
      [zhang, '/党课 《党章》 支部:第九支部', '支部：没有名为「第九支部」的支部。现有支部：第一支部、第二支部。'],
    ];
    for (const [who, text, expected] of cases) {
      const reply = await h.say(who, chat, text);
      expect(reply, text).toContain(expected);
      if (text.startsWith('/学习')) expect(reply, text).toContain(usage);
      expect(reply, text).toContain('\n例：');
    }
    expect(await h.say(li, chat, '/学习 2小时 自学 党章 代录:@王五')).toBe('代录：只有支部书记可以为本支部党员代录；请本人登记，或请书记代录。');
    expect(await h.say(sun, h.newChat(), '/撤销 S1')).toBe('没有 S1 这条学习记录。');
    expect(await records()).toEqual([]);

    // Nothing was numbered either: the next good entry is S1, and logging it twice is refused.
    expect(await h.say(li, chat, '/学习2小时集中研讨《论党的自我革命》')).toBe('已记录 S1：2026-11-23（周一）理论学习中心组集中研讨 2小时《论党的自我革命》，计入 李四');
    expect(await h.say(zhang, chat, '/学习 2小时 集中研讨 《论党的自我革命》 参加:@李四')).toBe(
      '重复登记：李四 已在 S1（2026-11-23（周一）理论学习中心组集中研讨 2小时《论党的自我革命》）中计入，同一活动只记一次。如需更正，请先 /撤销 S1。',
    );
    // A secretary may back-fill further than 30 days.
    expect(await h.say(zhang, chat, '/学习 2小时 自学 党章 日期:10月1日')).toBe('已记录 S2：2026-10-01（周四）个人自学 2小时 党章，计入 张三');
    expect((await records()).map((r) => r.id)).toEqual(['S2', 'S1']);
  });

  it('lets an admin change quotas, records who changed them, and refuses anyone else', async () => {
    const { admin, chat, li, dm } = await setup('2026-11-23T10:00:00+08:00');
    const p2p = (text: string) => h.say(admin, dm(admin), text, { chatType: 'p2p' });
    expect(await h.say(li, chat, '/指标 设置 党员 志愿服务 2次 /月')).toBe('只有管理员可以设置或删除指标。');
    expect(await p2p('/指标 设置 党员 志愿 2次 /月')).toBe('已设置指标：党员 志愿服务 每月至少2次（原为 志愿服务 每月至少1次，默认）。即日起按此计算。');
    expect(await p2p('/quota set 党员 自学 10小时/季度')).toBe('已设置指标：党员 个人自学 每季度至少10小时（新增）。即日起按此计算。');
    expect(await p2p('/指标 删除 领导 志愿服务')).toBe('已删除指标：领导 志愿服务 每季度至少1次（默认指标）。变更已记录，发送 /指标 记录 查看。');
    expect(await p2p('/指标 删除 领导 志愿服务')).toBe('没有「领导 志愿服务」的指标。发送 /指标 查看现行指标。');
    const bad = await p2p('/指标 设置 党员 志愿服务 两次');
    expect(bad).toContain('次数和周期：看不懂「两次」，请写成 1次 /月、2次 /季度、10小时 /年。');
    expect(bad).toContain('正确格式：/指标');
    expect(await p2p('/指标 设置 主席 志愿服务 1次/月')).toContain('角色：不认识「主席」');
    expect(await p2p('/指标 设置 党员 喝茶 1次/月')).toContain('形式：不认识「喝茶」');
    expect(await p2p('/指标 设置 党员 志愿服务 0次/月')).toContain('须大于 0');

    expect(await h.say(li, chat, '/指标')).toContain('· 党员 志愿服务 每月至少2次\n· 党员 个人自学 每季度至少10小时\n· 领导 专题党课 每年至少1次（默认）');
    expect(await h.say(li, chat, '/指标 记录')).toBe(
      [
        '指标变更记录（最近 20 条）：',
        'QC1 2026-11-23（周一） 王主任：党员 志愿服务 每月 至少1次 → 至少2次',
        'QC2 2026-11-23（周一） 王主任：党员 个人自学 每季度 无 → 至少10小时',
        'QC3 2026-11-23（周一） 王主任：领导 志愿服务 每季度 至少1次 → 删除',
      ].join('\n'),
    );
    // The new figures apply at once.
    expect(await h.say(li, chat, '/志愿服务 敬老院慰问 2小时')).toBe('已记录 S1：2026-11-23（周一）志愿服务 2小时 敬老院慰问，计入 李四');
    expect(await h.say(li, chat, '/我的')).toContain('· 志愿服务 每月至少2次：1/2 尚差1次（2026年11月，截至 2026-11-30（周一））\n· 个人自学 每季度至少10小时：0/10小时 尚差10小时');
  });
});

describe('period edges in China time, whatever the server zone', () => {
  it('counts an activity logged at 23:59 on 31 March in March and Q1, and starts April and Q2 empty at 00:00', async () => {
    const { chat, li, liu, dm } = await setup('2026-03-31T23:59:00+08:00');
    expect(await h.say(li, chat, '/志愿 防汛值守 1小时')).toBe('已记录 S1：2026-03-31（周二）志愿服务 1小时 防汛值守，计入 李四');
    expect(await h.say(liu, dm(liu), '/志愿 社区报到 1小时', { chatType: 'p2p' })).toBe('已记录 S2：2026-03-31（周二）志愿服务 1小时 社区报到，计入 刘局长');
    expect(await h.say(li, chat, '/我的')).toContain('· 志愿服务 每月至少1次：1/1 已完成（2026年3月，截至 2026-03-31（周二））');
    expect(await h.say(liu, dm(liu), '/我的', { chatType: 'p2p' })).toContain('· 志愿服务 每季度至少1次：1/1 已完成（2026年第一季度，截至 2026-03-31（周二））');

    now = new Date('2026-04-01T00:00:00+08:00'); // 16:00 UTC on 31 March
    const li0 = await h.say(li, chat, '/我的');
    expect(li0).toContain('本月（2026年4月）：暂无记录');
    expect(li0).toContain('本季度（2026年第二季度）：暂无记录');
    expect(li0).toContain('本年（2026年）：1 次，1 小时：志愿服务 1 次 1 小时');
    expect(li0).toContain('· 志愿服务 每月至少1次：0/1 尚差1次（2026年4月，截至 2026-04-30（周四））');
    expect(await h.say(liu, dm(liu), '/我的', { chatType: 'p2p' })).toContain('· 志愿服务 每季度至少1次：0/1 尚差1次（2026年第二季度，截至 2026-06-30（周二））');
    // 「昨天」 at 00:00 China time is 31 March, not 30 March as a UTC reading would give.
    expect(await h.say(li, chat, '/学习 1小时 自学 党章 日期:昨天')).toBe('已记录 S3：2026-03-31（周二）个人自学 1小时 党章，计入 李四');
    // Last month's figures are judged at that month's end.
    expect(await h.say(h.person('张三'), chat, '/学习 统计 上月')).toContain('· 党员 志愿服务 每月至少1次（2026年3月）：已完成 1/4 人，尚未完成 3 人');
  });

  it('keeps a lecture given at 23:59 on 31 December in that year, and 1 January starts a new year quota', async () => {
    const { liu, dm } = await setup('2026-12-31T23:59:00+08:00');
    const say = (t: string) => h.say(liu, dm(liu), t, { chatType: 'p2p' });
    expect(await say('/党课 坚持人民至上 2小时 支部:第一支部')).toBe('已记录 S1：2026-12-31（周四）专题党课 2小时 坚持人民至上（第一支部），计入 刘局长');
    expect(await say('/我的')).toContain('· 专题党课 每年至少1次：1/1 已完成（2026年，截至 2026-12-31（周四））');
    now = new Date('2027-01-01T00:00:00+08:00');
    const jan = await say('/我的');
    expect(jan).toContain('本年（2027年）：暂无记录');
    expect(jan).toContain('· 专题党课 每年至少1次：0/1 尚差1次（2027年，截至 2027-12-31（周五））');
    expect(await say('/学习 统计 2026年')).toContain('· 领导 专题党课 每年至少1次（2026年）：已完成 1/1 人');
  });
});
