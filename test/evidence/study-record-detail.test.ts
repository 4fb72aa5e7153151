import { afterEach, describe, expect, it } from 'vitest';
import { Harness, type Person } from '../support/harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('心得 and 地点 of study records', () => {
  it('are shown in /我的 (latest records) and in the record’s detail, to those who may read it', async () => {
    const now = new Date('2026-11-23T10:00:00+08:00');
    h = await Harness.start({ clock: () => now });
    const admin = await h.makeAdmin('王主任');
    const chat = h.newChat();
    const [zhang, li, qian] = ['张三', '李四', '钱七'].map((n) => h.person(n)) as [Person, Person, Person];
    await h.say(admin, chat, '/绑定 第一支部');
    await h.say(admin, chat, '/任命 @张三 党员');
    await h.say(admin, chat, '/任命 @李四 党员');
    const other = h.newChat();
    await h.say(admin, other, '/绑定 第二支部');
    await h.say(admin, other, '/任命 @钱七 党员');
    const reflection = '通过学习，深刻认识到数据共享对于优化营商环境的重要意义，要在工作中把群众办事便利作为出发点和落脚点。';
    const logged = await h.say(zhang, chat, `/学习 2小时 研讨 《习近平著作选读》第一卷 参加:@李四 地点:三楼会议室 心得:${reflection}`);
    const id = /S\d+/.exec(logged)![0];

    const mine = await h.say(zhang, 'oc_p2p_zhang', '/我的', { chatType: 'p2p' });
    expect(mine).toContain('有地点或心得的记录（最近 1 条）：');
    expect(mine).toMatch(new RegExp(`· ${id} 2026-11-23（周一）.*《习近平著作选读》第一卷（地点：三楼会议室）`));
    expect(mine).toContain('　心得：通过学习，深刻认识到数据共享对于优化营商环境的重要意义，要在工作中把群众办事便…');
    expect(mine).toContain('/学习 S编号');

    const detail = await h.say(li, 'oc_p2p_li', `/学习 ${id}`, { chatType: 'p2p' });
    expect(detail).toContain('地点：三楼会议室');
    expect(detail).toContain('计入：张三、李四');
    // The field reader drops trailing punctuation (as for every field).
    expect(detail).toContain(`心得体会：${reflection.replace(/。$/, '')}`);
    expect(await h.say(qian, other, `/学习 ${id}`)).toContain(`${id} 不是你的记录`);
    expect(await h.say(zhang, chat, '/学习 S999')).toContain('没有学习记录 S999');
  });
});
