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
});
