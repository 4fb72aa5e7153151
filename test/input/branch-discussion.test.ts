import { afterEach, describe, expect, it } from 'vitest';
import { formOf, parseForm } from '../../commands/study/forms.js';
import { bureau, type Bureau } from './setup.js';

let b: Bureau | undefined;
afterEach(async () => {
  await b?.h.close();
  b = undefined;
});

describe('研讨 logged in a branch is the branch form', () => {
  it.each([
    ['研讨', false, '支部集体学习'],
    ['研讨会', false, '支部集体学习'],
    ['专题研讨', false, '支部集体学习'],
    ['研讨', true, '理论学习中心组集中研讨'],
    ['中心组', false, '理论学习中心组集中研讨'],
    ['中心组研讨', false, '理论学习中心组集中研讨'],
    ['自学', false, '个人自学'],
  ] as const)('%s (leadership: %s) → %s', (word, leadership, form) => {
    expect(formOf(word, parseForm(word)!, leadership)).toBe(form);
  });

  it('a member typing /学习 2小时 研讨 in the branch chat gets 支部集体学习; a leader, or 中心组 named, gets the Party group form', async () => {
    b = await bureau();
    expect(await b.h.say(b.zhang, b.chat, '/学习 2小时 研讨 《论党的自我革命》')).toBe('已记录 S1：2026-11-23（周一）支部集体学习 2小时《论党的自我革命》，计入 张三');
    expect(await b.h.say(b.li, b.chat, '/学习 2小时研讨《党章》')).toBe('已记录 S2：2026-11-23（周一）支部集体学习 2小时《党章》，计入 李四');
    expect(await b.h.say(b.sec, b.chat, '/学习 1小时 形式:研讨 党章')).toBe('已记录 S3：2026-11-23（周一）支部集体学习 1小时 党章，计入 王书记');
    expect(await b.h.say(b.leader, b.leaders, '/学习 2小时 研讨 《习近平著作选读》第一卷')).toBe('已记录 S4：2026-11-23（周一）理论学习中心组集中研讨 2小时《习近平著作选读》第一卷，计入 赵局长');
    expect(await b.h.say(b.zhang, b.chat, '/学习 2小时 中心组 《党章》')).toBe('已记录 S5：2026-11-23（周一）理论学习中心组集中研讨 2小时《党章》，计入 张三');
  });
});
