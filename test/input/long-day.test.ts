import { afterEach, describe, expect, it } from 'vitest';
import { bureau, type Bureau } from './setup.js';

let b: Bureau | undefined;
afterEach(async () => {
  await b?.h.close();
  b = undefined;
});

const records = () => b!.h.app.store.read((tx) => tx.listStudyRecords({ includeVoided: true }));

describe('more than 12 hours of study by one person on one day', () => {
  it('stores 12 hours without a question, asks before storing 22.5 hours, and stores it when resent with 确认', async () => {
    b = await bureau();
    expect(await b.h.say(b.zhang, b.chat, '/学习 6小时 自学 党章')).toContain('已记录 S1');
    expect(await b.h.say(b.zhang, b.chat, '/学习 6小时 自学 《论中国共产党历史》')).toContain('已记录 S2');
    const asked = await b.h.say(b.zhang, b.chat, '/学习 10.5小时 自学 《习近平著作选读》');
    expect(asked).toBe(
      [
        '张三 在 2026-11-23（周一） 已登记 12小时，加上本次 10.5小时 共 22.5小时，超过一天 12 小时。什么也没有改动。',
        '请核对时长和日期；如确实如此，请在末尾加上 确认 重新发送：',
        '/学习 10.5小时 自学 《习近平著作选读》 确认',
      ].join('\n'),
    );
    expect(await records()).toHaveLength(2);
    expect(await b.h.say(b.zhang, b.chat, '/学习 10.5小时 自学 《习近平著作选读》 确认')).toBe(
      '已记录 S3：2026-11-23（周一）个人自学 10.5小时《习近平著作选读》，计入 张三',
    );
  });

  it('counts attendees and volunteer time, and leaves a normal day alone', async () => {
    b = await bureau();
    expect(await b.h.say(b.li, b.chat, '/志愿 社区服务 10小时')).toContain('已记录 S1');
    expect(await b.h.say(b.sec, b.chat, '/学习 3小时 三会一课 党章 参加:@李四')).toContain('李四 在 2026-11-23（周一） 已登记 10小时，加上本次 3小时 共 13小时');
    expect(await b.h.say(b.sec, b.chat, '/学习 2小时 三会一课 党章 参加:@李四')).toContain('已记录 S2');
    expect(await records()).toHaveLength(2);
  });
});
