import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScaleStore } from '../../bench/scale-store.js';
import { bureauFigures } from '../../commands/figures/bureau-figures.js';
import { isWorkingDay, periodRange, previousWorkingDay, toLocalDate } from '../../commands/shared/calendar.js';
import { cardProblems, type Card } from '../../commands/shared/card.js';
import { loadNames } from '../../commands/reports/names.js';
import { renderSummaryCard } from '../../commands/reports/summary-card.js';
import { atShanghai } from '../../src/jobs/gate.js';
import { monthlyBulletin } from '../../src/jobs/monthly-bulletin.js';
import { weeklyDigest } from '../../src/jobs/weekly-digest.js';
import { createLogger } from '../../src/logger.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';

const logger = createLogger('silent');
const today = toLocalDate(new Date());
const day = isWorkingDay(today) ? today : previousWorkingDay(today);

async function scaleStore(branches: number, members: number): Promise<Store> {
  const file = join(mkdtempSync(join(tmpdir(), 'duban-bulletin-')), 'duban.json');
  await buildScaleStore(file, { branches, members, studyRecords: members * 5, problems: members, measuresPerProblem: 1, tasks: 0, leaders: 10, history: false });
  return openLowdbStore(file);
}

async function bulletinCards(store: Store): Promise<Card[]> {
  const report = await monthlyBulletin.run(atShanghai(day, '10:00'), { store, logger });
  expect(report.sent.length).toBeGreaterThan(0);
  const out = await store.read((tx) => tx.listOutbound({ source: 'monthly-bulletin' }));
  return out.map((o) => o.content.type === 'card' ? (o.content.card as unknown as Card) : undefined).filter((c): c is Card => c !== undefined);
}

describe('monthly bulletin for a whole bureau', () => {
  it('fits one card (30 KB) with 2,000 members behind on quotas: a few names per branch and how many in all', async () => {
    const store = await scaleStore(50, 2000);
    try {
      const cards = await bulletinCards(store);
      expect(cards).toHaveLength(1);
      const json = JSON.stringify(cards[0]);
      expect(Buffer.byteLength(json)).toBeLessThan(30 * 1024);
      expect(json).toMatch(/…共 \d+ 项/);
    } finally {
      await store.close();
    }
  });
});

describe('a bureau of 1,000 branches', () => {
  let store: Store;
  beforeAll(async () => {
    store = await scaleStore(1000, 10_000);
  }, 180_000);
  afterAll(async () => {
    await store?.close();
  });

  it('gets the whole monthly bulletin in cards that each fit Feishu (30 KB, 200 components, 5 tables)', async () => {
    const cards = await bulletinCards(store);
    expect(cards.length).toBeGreaterThan(1);
    console.info(`[bulletin] 1,000 branches: ${cards.length} cards, largest ${Math.max(...cards.map((c) => Buffer.byteLength(JSON.stringify(c))))} bytes`);
    for (const c of cards) expect(cardProblems(c)).toEqual([]);
    const rows = cards.flatMap((c) => c.body.elements.flatMap((e) => (e.tag === 'table' ? e.rows : [])));
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.branch)).size).toBe(1000);
    expect(cards.at(-1)!.header!.title.content).toMatch(new RegExp(`（${cards.length}/${cards.length}）$`));
  }, 120_000);

  it('gives every branch a weekly digest that fits, and a /进度 card that fits', async () => {
    const monday = atShanghai(day, '09:00');
    const report = await weeklyDigest.run(monday, { store, logger });
    const out = await store.read((tx) => tx.listOutbound({ source: 'weekly-digest' }));
    if (report.sent.length > 0) for (const o of out) expect(cardProblems(o.content.type === 'card' ? o.content.card : {})).toEqual([]);
    const figures = await store.read(async (tx) => bureauFigures(tx, { period: periodRange(day, 'month'), asOf: day }));
    const summary = renderSummaryCard(figures, await store.read((tx) => loadNames(tx)), '全局');
    expect(cardProblems(summary)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThanOrEqual(30 * 1024);
  }, 120_000);
});
