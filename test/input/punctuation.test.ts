import { afterEach, describe, expect, it } from 'vitest';
import { splitFields } from '../../commands/shared/fields.js';
import { bureau, type Bureau } from './setup.js';

let b: Bureau | undefined;
afterEach(async () => {
  await b?.h.close();
  b = undefined;
});

describe('Chinese punctuation between fields', () => {
  it('splits fields separated by ，、； as well as spaces, and trims the separators', () => {
    const keys = ['责任单位', '时限', '负责人'];
    expect(splitFields('测试，责任单位:办公室，时限:12月31日，负责人:@李四', keys)).toEqual({ rest: '测试', fields: { 责任单位: '办公室', 时限: '12月31日', 负责人: '@李四' } });
    expect(splitFields('测试；责任单位:办公室; 时限:12月31日、负责人:@李四。', keys)).toEqual({ rest: '测试', fields: { 责任单位: '办公室', 时限: '12月31日', 负责人: '@李四' } });
    // A comma inside the description stays.
    expect(splitFields('数据共享不直接，供需对接不精准 责任单位:数据资源科', keys)).toEqual({ rest: '数据共享不直接，供需对接不精准', fields: { 责任单位: '数据资源科' } });
  });

  it('opens /问题 typed with full-width commas and colons', async () => {
    b = await bureau();
    const reply = await b.h.say(b.zhang, b.chat, '/问题 测试，责任单位：办公室，时限：12月31日，负责人：@李四');
    expect(reply).toContain('已登记问题 P1（第一支部）');
    expect(reply).toContain('问题描述：测试\n');
    expect(reply).toContain('责任单位：办公室');
    expect(reply).toContain('牵头负责人：李四');
    expect(reply).toContain('时限：2026-12-31（周四）');
  });

  it('keeps a full-width colon inside free text: a close-out note reading 附件：… is stored as typed (issue 15)', async () => {
    b = await bureau();
    await b.h.say(b.zhang, b.chat, '/问题 测试 责任单位：办公室 时限：12月31日 负责人：@张三');
    await b.h.say(b.zhang, b.chat, '/销号 P1 已整改完毕。附件：整改报告.pdf，会议纪要.docx');
    const p = await b.h.app.store.read((tx) => tx.getProblem('P1'));
    expect(JSON.stringify(p)).toContain('已整改完毕。附件：整改报告.pdf，会议纪要.docx');
  });
});
