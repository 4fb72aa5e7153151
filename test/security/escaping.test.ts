import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { withOutcome } from '../../commands/shared/card-actions.js';
import { fitCards } from '../../commands/shared/card-fit.js';
import { card, md, type Card } from '../../commands/shared/card.js';
import { escapeCell, escapeMarkdown, escapeText } from '../../commands/shared/escape.js';
import { problemLedgerWorkbook } from '../../commands/reports/export-ledgers.js';
import { joinMarkdown, Markdown, markdown, mention } from '../../commands/shared/markdown.js';
import { textMessage } from '../../commands/shared/text.js';
import { UserError } from '../../commands/types.js';
import { ATTACKS, unsafeInCard, unsafeInText } from './escaping-attacks.js';

describe('escapeText: text-message content', () => {
  it.each(ATTACKS)('leaves no tag and no text link in %s', (attack) => {
    expect(unsafeInText(escapeText(`问题描述：${attack}`))).toEqual([]);
  });

  it("changes nothing in Duban's own wording, placeholders and bare URLs included", () => {
    const own = '缺少时限：请写 时限:<日期>，如 /问题 <描述> [来源:调研]；详情 https://example.com/a?b=1 ；2 < 3，a > b';
    expect(escapeText(own)).toBe(own);
  });

  it('is idempotent, so a refusal escaped twice (the router re-wraps it with the usage) reads the same', () => {
    const once = escapeText(ATTACKS.join(' '));
    expect(escapeText(once)).toBe(once);
  });

  it('is what every UserError and textMessage carries', () => {
    for (const attack of ATTACKS) {
      expect(unsafeInText(new UserError(`没有「${attack}」这个命令。`).message)).toEqual([]);
      expect(unsafeInText(textMessage([`已登记：${attack}`, '第二行']))).toEqual([]);
    }
  });
});

describe('escapeMarkdown and the markdown tag: card markdown', () => {
  it.each(ATTACKS)('shows %s literally: no tag, link, emphasis or heading survives', (attack) => {
    const m = markdown`**P1** 问题：${attack}`;
    expect(unsafeInCard(card('t', [md(m)]), new Set())).toEqual([]);
    expect(m.source.startsWith('**P1** 问题：')).toBe(true);
  });

  it('keeps one line per value and cannot start a heading, list or quote', () => {
    expect(escapeMarkdown('# 标题\n- 列表\n> 引用')).toBe('&#35; 标题 - 列表 &#62; 引用');
    expect(escapeMarkdown('1. 第一')).toBe('1&#46; 第一');
    expect(escapeMarkdown('P1-1 2026-12-31')).toBe('P1-1 2026-12-31');
  });

  it('mentions only by open_id: "all" or a crafted id is plain text', () => {
    expect(mention('ou_0123abcd').source).toBe('<at id=ou_0123abcd></at>');
    for (const id of ['all', 'ou_x></at><at id=all', '"all"', 'ou_a b']) expect(mention(id).source).not.toMatch(/<at/);
  });

  it('cannot be made from a raw string', () => {
    expect(() => new Markdown(Symbol('markdown'), '<at id=all></at>')).toThrow();
    expect(joinMarkdown([markdown`a`, markdown`${'<b>'}`], '、').source).toBe('a、&#60;b&#62;');
  });

  it('escapes the outcome line a button press writes into a shared card', () => {
    const base = card('督办提醒', [md(markdown`x`), { tag: 'column_set', columns: [{ tag: 'column', elements: [{ tag: 'button', text: { tag: 'plain_text', content: '更新进展' }, behaviors: [{ type: 'callback', value: { a: 'form', form: 'progress', ref: 'P1' } }] }] }] }]);
    const out = withOutcome(base, { a: 'submit', form: 'progress', ref: 'P1' }, `李四 /整改 P1 ${ATTACKS.join(' ')}`);
    expect(unsafeInCard(out, new Set())).toEqual([]);
  });

  it('keeps header, summary and table cells free of tags too (plain text, escaped anyway)', () => {
    const attack = ATTACKS[0]!;
    const c = card(`待审核 · ${attack}`, [{ tag: 'table', columns: [{ name: 'a', display_name: 'A', data_type: 'text' }], rows: [{ a: attack }] }], { subtitle: attack, summary: attack });
    expect(JSON.stringify(c)).not.toMatch(/<\s*at/i);
  });

  it('split cards stay escaped', () => {
    const cards: Card[] = fitCards('t', Array.from({ length: 400 }, (_, i) => md(markdown`${i} ${ATTACKS.join(' ')}`)));
    expect(cards.length).toBeGreaterThan(1);
    for (const c of cards) expect(unsafeInCard(c, new Set())).toEqual([]);
  });
});

describe('escapeCell: Excel exports', () => {
  it('prefixes a leading = + - @ so a cell is never a formula', () => {
    for (const v of ['=HYPERLINK("https://evil.example","点此")', '+1+2', '-1+2', '@SUM(A1)', '\t=1']) expect(escapeCell(v)).toBe(`'${v}`);
    expect(escapeCell('数据资源科')).toBe('数据资源科');
  });

  it('is applied to every text cell of the problem ledger', async () => {
    const stamp = { by: 'ou_a', at: '2026-11-20T02:00:00.000Z' };
    const problem = {
      id: 'P1', branchId: 'b1', description: 'x', responsibleUnit: '@SUM(1)', leadPerson: 'ou_a', deadline: '2026-12-31', target: '=1+2', status: '整改中', created: stamp,
      history: [], closeRequest: { by: 'ou_a', at: stamp.at, evidence: '-cmd|calc', openMeasures: [] },
    } as never;
    const bytes = await problemLedgerWorkbook({ problems: [problem], measures: [], names: { person: () => '+张三', branch: () => '' }, today: '2026-11-23' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const row = wb.worksheets[0]!.getRow(4);
    const cells = [5, 7, 8, 12].map((i) => row.getCell(i).value);
    expect(cells).toEqual(["'=1+2", "'+张三", "'@SUM(1)", "'-cmd|calc"]);
    wb.eachSheet((ws) => ws.eachRow((r) => r.eachCell((c) => expect(c.formula).toBeUndefined())));
  });
});
