import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bureauFigures } from '../../commands/figures/bureau-figures.js';
import { CARD_LIMITS, cardProblems } from '../../commands/shared/card.js';
import { renderSummaryCard } from '../../commands/reports/summary-card.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';
import { ids, seedLedger } from '../support/seed-ledger.js';

let store: Store;
const names = { person: (id: string) => ({ [ids.lead]: '张三', [ids.owner]: '李四' })[id] ?? id, branch: (id: string | undefined) => id ?? '领导班子' };
const november = { start: '2026-11-01', end: '2026-11-30', label: '2026年11月' };

beforeAll(async () => {
  store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-summary-')), 'duban.json'));
  await seedLedger(store);
});
afterAll(async () => {
  await store.close();
});

describe('the /进度 card over the seeded ledger', () => {
  it('states the seed figures in the words leaders report in, and passes the card schema and limits', async () => {
    const f = await store.read((tx) => bureauFigures(tx, { period: november, asOf: '2026-11-30' }));
    const card = renderSummaryCard(f, names, '全局');
    expect(cardProblems(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('检视问题 71 个，已整改销号 69 个（97.2%），制定整改措施 128 项，逾期问题 2 个');
    // The table says what it counts, and its problem count is the headline's.
    expect(text).toMatch(/逾期事项 \d+ 项（问题 2 个、措施 \d+ 项、督办 \d+ 项）/);
    expect(text).toContain('本期新增问题 1 个，销号 9 个');
    expect(Buffer.byteLength(text)).toBeLessThan(CARD_LIMITS.bytes);
    // Overdue table lists P70 and P71 with their owner.
    const table = card.body.elements.find((e) => e.tag === 'table' && e.columns.some((c) => c.name === 'days'));
    expect(table && 'rows' in table ? table.rows.map((r) => [r.id, r.owner]) : []).toEqual(expect.arrayContaining([['P70', '张三'], ['P71', '张三']]));
  });

  it('carries two plain-JSON VChart specs: open problems split by overdue, and the rates, per branch by short name', async () => {
    const f = await store.read((tx) => bureauFigures(tx, { period: november, asOf: '2026-11-30' }));
    const charts = renderSummaryCard(f, names, '全局').body.elements.filter((e) => e.tag === 'chart') as { chart_spec: Record<string, unknown> }[];
    expect(charts).toHaveLength(2);
    for (const c of charts) expect(JSON.parse(JSON.stringify(c.chart_spec))).toEqual(c.chart_spec);
    const values = (i: number) => (charts[i]!.chart_spec.data as { values: { branch: string; series: string; value: number }[] }[])[0]!.values;
    // Branch 1 holds problems 1,4,…,70: 24 problems, 23 rectified, P70 open and overdue.
    expect(values(0).filter((v) => v.branch === '第一支部')).toEqual([
      { branch: '第一支部', series: '逾期', value: 1 },
      { branch: '第一支部', series: '未逾期', value: 0 },
    ]);
    expect(values(1).find((v) => v.branch === '第一支部' && v.series === '整改完成率')!.value).toBe(95.8);
    // The seeded ledger has no people, so no turnout or quota bar pretends to be 0.
    expect(new Set(values(1).map((v) => v.series))).toEqual(new Set(['整改完成率']));
  });

  it('draws the same charts on a branch card, from the branch itself', async () => {
    const branchId = (await store.read((tx) => tx.listBranches()))[0]!.id;
    const f = await store.read((tx) => bureauFigures(tx, { period: november, asOf: '2026-11-30', branchId }));
    const charts = renderSummaryCard(f, names, '第一支部').body.elements.filter((e) => e.tag === 'chart');
    expect(charts).toHaveLength(2);
  });

  it('prints number tiles and, for the year so far, one study line rather than two identical ones', async () => {
    const year = { start: '2026-01-01', end: '2026-12-31', label: '2026年' };
    const f = await store.read((tx) => bureauFigures(tx, { period: year, asOf: '2026-11-30' }));
    const card = renderSummaryCard(f, names, '全局');
    expect(card.body.elements[0]!.tag).toBe('column_set');
    const text = JSON.stringify(card);
    expect(text).toContain('2026年：学习活动次数');
    expect(text).not.toContain('2026年累计');
  });

  it('flags what Feishu would reject: functions in a chart, unknown properties, too many tables', () => {
    const base = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'x' }] } };
    expect(cardProblems(base)).toEqual([]);
    expect(cardProblems({ ...base, body: { elements: [{ tag: 'chart', chart_spec: { type: 'bar', label: { formatter: () => 'x' } } }] } })[0]).toContain('function');
    expect(cardProblems({ ...base, body: { elements: [{ tag: 'markdown', content: 'x', colour: 'red' }] } }).length).toBeGreaterThan(0);
    const table = { tag: 'table', columns: [{ name: 'a', display_name: 'A', data_type: 'text' }], rows: [] };
    expect(cardProblems({ ...base, body: { elements: Array.from({ length: 6 }, () => table) } })).toEqual(['card has 6 tables (limit 5)']);
    expect(cardProblems({ ...base, body: { elements: Array.from({ length: 201 }, () => ({ tag: 'hr' })) } })).toEqual(['card has 201 elements (limit 200)']);
  });
});
