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
    expect(text).toContain('检视问题 71 个，已整改销号 69 个（97.2%），制定整改措施 128 项，逾期 2 个');
    expect(text).toContain('本期新增问题 1 个，销号 9 个');
    expect(Buffer.byteLength(text)).toBeLessThan(CARD_LIMITS.bytes);
    // Overdue table lists P70 and P71 with their owner.
    const table = card.body.elements.find((e) => e.tag === 'table' && e.columns.some((c) => c.name === 'days'));
    expect(table && 'rows' in table ? table.rows.map((r) => [r.id, r.owner]) : []).toEqual(expect.arrayContaining([['P70', '张三'], ['P71', '张三']]));
  });

  it('carries a VChart spec that is plain JSON, with one bar per branch and series', async () => {
    const f = await store.read((tx) => bureauFigures(tx, { period: november, asOf: '2026-11-30' }));
    const chart = renderSummaryCard(f, names, '全局').body.elements.find((e) => e.tag === 'chart');
    expect(chart).toBeDefined();
    const spec = (chart as { chart_spec: Record<string, unknown> }).chart_spec;
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    const values = (spec.data as { values: { branch: string; series: string; value: number }[] }[])[0]!.values;
    // The seeded ledger has no people, so only rectification bars: no quota bar pretends to be 0.
    expect(values.map((v) => v.series)).toEqual(['整改销号率', '整改销号率', '整改销号率']);
    // Branch 1 holds problems 1,4,…,70: 24 problems, 23 rectified (P70 open).
    expect(values.find((v) => v.branch === '第一支部' && v.series === '整改销号率')!.value).toBe(95.8);
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
