import { afterEach, describe, expect, it } from 'vitest';
import { cardProblems } from '../../commands/shared/card.js';
import { LIMITS } from '../../commands/shared/limits.js';
import { Harness } from '../support/harness.js';

let h: Harness;
const now = new Date('2026-11-23T10:00:00+08:00');
afterEach(async () => {
  await h?.close();
});

// Each character becomes a five-byte entity in card markdown: the largest card a field of this length can make.
const worst = (n: number) => '<&[]*_~`|$'.repeat(Math.ceil(n / 10)).slice(0, n);

async function bureau() {
  h = await Harness.start({ clock: () => now });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const zhang = h.person('张三');
  h.person('王书记');
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, chat, '/任命 @王书记 书记');
  await h.say(admin, chat, '/任命 @张三 党员');
  return { admin, chat, zhang };
}

describe('input limits, end to end', () => {
  it('refuses an over-long field or message in Chinese, naming it and the limit, and stores nothing', async () => {
    const { chat, zhang } = await bureau();
    const tail = '责任单位:数据资源科 时限:12月31日 负责人:@张三';
    expect(await h.say(zhang, chat, `/问题 ${'问'.repeat(LIMITS.问题描述 + 1)} ${tail}`)).toBe(
      `问题描述过长：最多 ${LIMITS.问题描述} 字，这次有 ${LIMITS.问题描述 + 1} 字。请精简后重新发送，较长的材料可附链接或文件名；这次没有记录任何内容。`,
    );
    // The 31 KB and 300 KB descriptions of the issue: the whole message is refused before any field is read.
    for (const kb of [31, 300]) {
      const reply = await h.say(zhang, chat, `/问题 ${'问'.repeat((kb * 1024) / 3)} ${tail}`);
      expect(reply).toMatch(new RegExp(`^消息过长：最多 ${LIMITS.message} 字，这次有 \\d+ 字。`));
    }
    expect(await h.say(zhang, chat, `/问题 数据共享不直接 ${tail.replace('数据资源科', '科'.repeat(LIMITS.责任单位 + 1))}`)).toContain(`责任单位过长：最多 ${LIMITS.责任单位} 字`);
    expect(await h.say(zhang, chat, `/学习 1小时 自学 ${'书'.repeat(LIMITS.学习内容 + 1)}`)).toContain(`学习内容过长：最多 ${LIMITS.学习内容} 字`);
    expect(await h.say(zhang, chat, `/学习 1小时 自学 党章 心得:${'悟'.repeat(LIMITS.心得 + 1)}`)).toContain(`心得过长：最多 ${LIMITS.心得} 字`);
    expect(await h.app.store.read((tx) => tx.listProblems())).toEqual([]);
    expect(await h.app.store.read((tx) => tx.listStudyRecords({}))).toEqual([]);
  });

  it('at every limit at once, with the most expensive characters, the review card still reaches Feishu and /销号 works', async () => {
    const { chat, zhang } = await bureau();
    // The case: a 31 KB description made the /销号 review card pass 30 KB, so close-out failed for good.
    expect(await h.say(zhang, chat, `/问题 ${worst(31 * 1024)} 责任单位:科 时限:12月31日 负责人:@张三`)).toMatch(/^消息过长/);
    const opened = await h.say(zhang, chat, `/问题 ${worst(LIMITS.问题描述)} 责任单位:${worst(LIMITS.责任单位)} 时限:12月31日 负责人:@张三 目标:${worst(LIMITS.整改目标)}`);
    expect(opened).toContain('已登记问题 P1');
    for (let i = 0; i < 3; i++) await h.say(zhang, chat, `/措施 P1 ${worst(LIMITS.措施内容)} 时限:12月31日 负责人:@张三`);
    const asked = await h.say(zhang, chat, `/销号 P1 ${worst(LIMITS.整改情况与佐证)} 强制`);
    expect(asked).toContain('待审核 · 张三 申请 P1 销号'); // in the branch chat the review card is the one answer
    const review = h.platform.sent.find((m) => m.msgType === 'interactive' && JSON.stringify(m.content).includes('待审核'))!;
    expect(review).toBeDefined();
    expect(cardProblems(review.content)).toEqual([]);
    expect((await h.app.store.read((tx) => tx.getProblem('P1')))!.status).toBe('待审核');
    expect(await h.say(zhang, chat, '/问题 P1')).toContain('P1【待审核】');

    // The decision (who, when, the longest reason) is PATCHed onto the same card, which must still fit.
    await h.say(h.person('王书记'), chat, `/审核 P1 驳回 ${worst(LIMITS.审核意见)}`);
    await h.app.settle();
    expect((await h.app.store.read((tx) => tx.getProblem('P1')))!.status).toBe('整改中');
    const decided = h.platform.contentOf(review.messageId);
    expect(JSON.stringify(decided)).toContain('驳回销号申请');
    expect((decided as { header: { template: string } }).header.template).toBe('red');
    expect(cardProblems(decided)).toEqual([]);
  });
});
