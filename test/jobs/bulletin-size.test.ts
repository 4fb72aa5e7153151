import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildScaleStore } from '../../bench/scale-store.js';
import { isWorkingDay, previousWorkingDay, toLocalDate } from '../../commands/calendar.js';
import { atShanghai } from '../../src/jobs/gate.js';
import { monthlyBulletin } from '../../src/jobs/monthly-bulletin.js';
import { createLogger } from '../../src/logger.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';

describe('monthly bulletin for a whole bureau', () => {
  it('fits one card (30 KB) with 2,000 members behind on quotas: a few names per branch and how many in all', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'duban-bulletin-')), 'duban.json');
    await buildScaleStore(file, { branches: 50, members: 2000, studyRecords: 20_000, problems: 2000, measuresPerProblem: 1, tasks: 0, leaders: 10, history: false });
    const store = await openLowdbStore(file);
    try {
      const today = toLocalDate(new Date());
      const day = isWorkingDay(today) ? today : previousWorkingDay(today);
      const report = await monthlyBulletin.run(atShanghai(day, '10:00'), { store, logger: createLogger('silent') });
      expect(report.sent).toHaveLength(1);
      const [card] = await store.read((tx) => tx.listOutbound({ source: 'monthly-bulletin' }));
      const json = JSON.stringify(card!.content);
      expect(Buffer.byteLength(json)).toBeLessThan(30 * 1024);
      expect(json).toMatch(/…共 \d+ 项/);
    } finally {
      await store.close();
    }
  });
});
