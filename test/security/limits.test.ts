import { describe, expect, it } from 'vitest';
import { itemButtons } from '../../commands/shared/card-actions.js';
import { fitCard, fitCards } from '../../commands/shared/card-fit.js';
import { cardProblems, md } from '../../commands/shared/card.js';
import { bounded, LIMITS } from '../../commands/shared/limits.js';
import { joinMarkdown, markdown, mention } from '../../commands/shared/markdown.js';
import { textMessage } from '../../commands/shared/text.js';
import { UserError } from '../../commands/types.js';

const FEISHU_TEXT_BYTES = 150 * 1024;
const textBodyBytes = (t: string) => Buffer.byteLength(JSON.stringify({ text: t }));
// The worst case for size: every character becomes a five-byte entity in card markdown.
const WORST = '<&[]*_~`|$';

describe('field limits', () => {
  it('refuses a field over its limit in Chinese, naming the field and the limit', () => {
    expect(bounded('问题描述', '一'.repeat(LIMITS.问题描述))).toHaveLength(LIMITS.问题描述);
    const err = (() => {
      try {
        bounded('问题描述', '一'.repeat(LIMITS.问题描述 + 1));
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err!.message).toBe(`问题描述过长：最多 ${LIMITS.问题描述} 字，这次有 ${LIMITS.问题描述 + 1} 字。请精简后重新发送，较长的材料可附链接或文件名；这次没有记录任何内容。`);
  });

  it('counts characters, not UTF-16 units, so an emoji is one', () => {
    expect(() => bounded('地点', '😀'.repeat(LIMITS.地点))).not.toThrow();
  });
});

describe('text messages fit Feishu by construction', () => {
  it('cuts a 300 KB single line and a 10,000-line list below 150 KB, saying how much is left out', () => {
    const one = textMessage('长'.repeat(100_000));
    expect(textBodyBytes(one)).toBeLessThan(FEISHU_TEXT_BYTES);
    expect(one).toMatch(/…（内容过长，已截断）$/);
    const many = textMessage(Array.from({ length: 10_000 }, (_, i) => `第 ${i} 行 ${'"\\'.repeat(20)} ${'字'.repeat(30)}`));
    expect(textBodyBytes(many)).toBeLessThan(FEISHU_TEXT_BYTES);
    expect(many).toMatch(/…另有 \d+ 行未显示（内容过长）$/);
  });

  it('keeps a short message as it is', () => {
    expect(textMessage(['已登记问题 P1', '时限：2026-12-31（周四）'])).toBe('已登记问题 P1\n时限：2026-12-31（周四）');
  });

  it('a refusal that echoes 300 KB of input still fits', () => {
    expect(textBodyBytes(new UserError(`没有「${'x'.repeat(300_000)}」这个命令。`).message)).toBeLessThan(40 * 1024);
  });
});

describe('cards fit Feishu by construction', () => {
  it('splits 1,000 reminder items with their buttons into cards within 30 KB and 200 components, none lost', () => {
    const blocks = Array.from({ length: 1000 }, (_, i) => [md(markdown`${mention(`ou_${i}`)} **P${i}** 问题：${WORST.repeat(4)}\n时限 2026-12-31（周四），已逾期 3 个工作日`), itemButtons('problem', `P${i}`)]);
    const cards = fitCards('督办提醒', blocks);
    expect(cards.length).toBeGreaterThan(1);
    for (const c of cards) expect(cardProblems(c)).toEqual([]);
    const shown = cards.flatMap((c) => c.body.elements.filter((e) => e.tag === 'markdown'));
    expect(shown).toHaveLength(1000);
    expect(cards[0]!.header!.title.content).toBe(`督办提醒（1/${cards.length}）`);
  });

  it('splits one huge markdown element and one huge table', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => markdown`第${i}支部：${WORST.repeat(5)}`);
    const big = md(markdown`**缺口清单**\n${joinMarkdown(lines, '\n')}`);
    const table = { tag: 'table' as const, columns: [{ name: 'b', display_name: '支部', data_type: 'text' as const }], rows: Array.from({ length: 3000 }, (_, i) => ({ b: `第${i}支部${'长'.repeat(40)}` })) };
    const cards = fitCards('通报', [big, table]);
    for (const c of cards) expect(cardProblems(c)).toEqual([]);
    expect(cards.flatMap((c) => c.body.elements.flatMap((e) => (e.tag === 'table' ? e.rows : [])))).toHaveLength(3000);
  });

  it('a single card (a reply) ends with how many items it left out', () => {
    const c = fitCard('督办进度', Array.from({ length: 500 }, (_, i) => md(markdown`${i} ${'字'.repeat(200)}`)));
    expect(cardProblems(c)).toEqual([]);
    const last = c.body.elements.at(-1)!;
    expect(last.tag === 'markdown' && last.content).toMatch(/^…另有 \d+ 项未显示（内容过长）$/);
  });

  it('leaves room for a form or an outcome line added when a button is pressed', () => {
    const blocks = Array.from({ length: 400 }, (_, i) => [md(markdown`**P${i}** ${'字'.repeat(60)}`), itemButtons('measure', `P${i}-1`)]);
    for (const c of fitCards('督办提醒', blocks)) {
      expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThanOrEqual(27 * 1024);
      expect(cardProblems({ ...c, body: { elements: [...c.body.elements, ...Array.from({ length: 15 }, () => md(markdown`✅ ${'字'.repeat(120)}`))] } })).toEqual([]);
    }
  });
});
