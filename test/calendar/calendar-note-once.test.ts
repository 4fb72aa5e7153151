import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';

const at = (local: string) => new Date(`${local}+08:00`);
const NOTE = '⚠ 2027年的调休安排尚未录入';

describe('the missing-调休 note is told to each person once per year', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('/问题 and /截止 say it the first time only; another person still hears it once', async () => {
    const now = at('2026-12-01T10:00:00');
    h = await Harness.start({ clock: () => now });
    const admin = await h.makeAdmin('王主任');
    const chat = h.newChat();
    const zhang = h.person('张三');
    const li = h.person('李四');
    await h.say(admin, chat, '/绑定 第一支部');
    await h.say(admin, chat, '/任命 @张三 党员');
    await h.say(admin, chat, '/任命 @李四 党员');
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:办公室 时限:2027年1月29日 负责人:@张三');

    expect(await h.say(zhang, chat, '/问题 P1')).toContain(NOTE);
    expect(await h.say(zhang, chat, '/问题 P1')).not.toContain(NOTE);
    const due = await h.say(zhang, chat, '/截止');
    expect(due).toContain('问题 P1');
    expect(due).not.toContain(NOTE);

    const lis = await h.say(li, chat, '/问题 P1');
    expect(lis).toContain(NOTE);
    expect(await h.say(li, chat, '/问题 P1')).not.toContain(NOTE);
  }, 30_000);
});
