import { afterEach, describe, expect, it } from 'vitest';
import { bureau, type Bureau } from './setup.js';

let b: Bureau | undefined;
afterEach(async () => {
  await b?.h.close();
  b = undefined;
});

describe('every missing field in one answer, with the corrected command', () => {
  it('/问题 names 责任单位, 时限 and 负责人 together and rebuilds the command from what was typed', async () => {
    b = await bureau();
    const reply = await b.h.say(b.zhang, b.chat, '/问题 测试 来源:调研');
    expect(reply).toContain(
      [
        '缺少责任单位、时限、负责人：',
        '· 责任单位：请写 责任单位:<单位>，如 责任单位:数据资源科。',
        '· 时限：请写 时限:<日期>，如 时限:12月31日、时限:下月底。',
        '· 负责人：请写 负责人:@某人（在飞书里输入 @ 选择同事）。',
        '补全后重新发送：/问题 测试 责任单位:<单位> 时限:<日期> 负责人:@某人 来源:调研',
      ].join('\n'),
    );
    expect(reply).toContain('例：/问题 数据共享不直接');
    expect(await b.h.say(b.zhang, b.chat, '/问题')).toContain('缺少问题描述、责任单位、时限、负责人：');
    expect(await b.h.say(b.zhang, b.chat, '/问题 测试 负责人:@李四')).toContain('缺少责任单位、时限：');
    expect(await b.h.say(b.zhang, b.chat, '/问题 测试 负责人:@李四')).toContain('补全后重新发送：/问题 测试 责任单位:<单位> 时限:<日期> 负责人:@李四');
    expect(await b.h.app.store.read((tx) => tx.listProblems())).toEqual([]);
  });

  it('/学习 and /志愿 name the duration and the content together', async () => {
    b = await bureau();
    const reply = await b.h.say(b.zhang, b.chat, '/学习 自学 日期:昨天');
    expect(reply).toContain(
      ['缺少时长、学习内容（材料或书名）：', '· 时长：请写本次用时，如 2小时、1.5h、90分钟、2h30m、半天。', '· 学习内容（材料或书名）。', '补全后重新发送：/学习 <时长，如2小时> 个人自学 <学习内容> 日期:昨天'].join('\n'),
    );
    expect(await b.h.say(b.zhang, b.chat, '/志愿')).toContain('缺少时长、活动名称：');
    expect(await b.h.say(b.zhang, b.chat, '/志愿 社区服务')).toContain('补全后重新发送：/志愿 社区服务 <时长，如2小时>');
    expect(await b.h.app.store.read((tx) => tx.listStudyRecords({ includeVoided: true }))).toEqual([]);
  });
});
