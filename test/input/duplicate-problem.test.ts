import { afterEach, describe, expect, it } from 'vitest';
import { bureau, type Bureau } from './setup.js';

let b: Bureau | undefined;
afterEach(async () => {
  await b?.h.close();
  b = undefined;
});

describe('the same problem opened twice in a branch within a week', () => {
  it('warns, names the earlier problem, changes nothing, and opens it when resent with 确认', async () => {
    b = await bureau();
    const cmd = '/问题 数据共享不直接 责任单位:数据资源科 时限:12月31日 负责人:@张三';
    expect(await b.h.say(b.zhang, b.chat, cmd)).toContain('已登记问题 P1（第一支部）');
    b.clock.now = new Date('2026-11-26T09:00:00+08:00');
    // Another person, other punctuation and fields: still the same description.
    const warned = await b.h.say(b.li, b.chat, '/问题 数据共享不直接。 责任单位:办公室 时限:12月20日 负责人:@李四');
    expect(warned).toBe(
      [
        '看起来与 P1 重复：P1「数据共享不直接」已于 2026-11-23 10:00 登记，状态 整改中。什么也没有改动。',
        '查看：/问题 P1',
        '如确是另一个问题，请在末尾加上 确认 重新发送：/问题 数据共享不直接。 责任单位:办公室 时限:12月20日 负责人:@李四 确认',
      ].join('\n'),
    );
    expect((await b.h.app.store.read((tx) => tx.listProblems())).map((p) => p.id)).toEqual(['P1']);
    const opened = await b.h.say(b.li, b.chat, '/问题 数据共享不直接。 责任单位:办公室 时限:12月20日 负责人:@李四 确认');
    expect(opened).toContain('已登记问题 P2（第一支部）');
    expect(opened).toContain('牵头负责人：李四\n');
    expect((await b.h.app.store.read((tx) => tx.getProblem('P2')))?.leadPerson).toBe(b.li.openId);
  });

  it('does not ask after a week, in another branch, or for a different description', async () => {
    b = await bureau();
    const other = b.h.newChat();
    await b.h.say(b.admin, other, '/绑定 第二支部');
    const cmd = '/问题 数据共享不直接 责任单位:数据资源科 时限:12月31日 负责人:@张三';
    expect(await b.h.say(b.zhang, b.chat, cmd)).toContain('已登记问题 P1');
    expect(await b.h.say(b.zhang, b.chat, '/问题 供需对接不精准 责任单位:数据资源科 时限:12月31日 负责人:@张三')).toContain('已登记问题 P2');
    expect(await b.h.say(b.admin, other, `${cmd}`)).toContain('已登记问题 P3（第二支部）');
    b.clock.now = new Date('2026-12-01T10:00:00+08:00');
    expect(await b.h.say(b.zhang, b.chat, cmd)).toContain('已登记问题 P4（第一支部）');
  });
});
