import { afterEach, describe, expect, it } from 'vitest';
import { at, bureau, type Bureau } from './setup.js';

let b: Bureau | undefined;
afterEach(async () => {
  await b?.h.close();
  b = undefined;
});

describe('/截止 with few open items shows them all, grouped', () => {
  it('shows one item due in 20 days under 以后 instead of "另有 1 项"', async () => {
    b = await bureau();
    await b.h.say(b.zhang, b.chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-13 负责人:@张三');
    expect(await b.h.say(b.zhang, b.chat, '/截止')).toBe(
      ['张三 的截止事项（今天 2026-11-23（周一），共 1 项）：', '以后 1 项：', '· 问题 P1【整改中】数据共享不直接 — 2026-12-13（周日），还有 14 个工作日'].join('\n'),
    );
  });

  it('groups 逾期 / 本周 / 两周内 / 以后, and keeps the window when one is asked for', async () => {
    b = await bureau();
    const { h, zhang, li, sec, chat } = b;
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-31 负责人:@张三');
    await h.say(zhang, chat, '/措施 P1 建设交换平台 时限:2026-11-27 负责人:@李四');
    await h.say(zhang, chat, '/措施 P1 制定对接清单 时限:2026-12-04 负责人:@李四');
    await h.say(zhang, chat, '/措施 P1 梳理目录 时限:2026-12-10 负责人:@李四');
    await h.say(sec, chat, '/问题 办事指南更新不及时 责任单位:政务服务科 时限:2027-03-31 负责人:@李四');
    b.clock.now = at('2026-11-30T10:00:00');
    const grouped = await h.say(li, chat, '/截止');
    expect(grouped).toContain(
      [
        '李四 的截止事项（今天 2026-11-30（周一），共 4 项）：',
        '逾期 1 项：',
        '· 措施 P1-1【整改中】建设交换平台 — 2026-11-27（周五），已逾期 1 个工作日',
        '本周 1 项：',
        '· 措施 P1-2【整改中】制定对接清单 — 2026-12-04（周五），还有 4 个工作日',
        '两周内 1 项：',
        '· 措施 P1-3【整改中】梳理目录 — 2026-12-10（周四），还有 8 个工作日',
        '以后 1 项：',
        '· 问题 P2【整改中】办事指南更新不及时 — 2027-03-31（周三）',
      ].join('\n'),
    );
    const windowed = await h.say(li, chat, '/截止 14天');
    expect(windowed).toContain('14 天内到期 2 项：');
    expect(windowed).toContain('另有 1 项时限在 14 天以后');
    expect(await h.say(li, chat, '/截止 逾期')).not.toContain('P1-2');
  });
});
