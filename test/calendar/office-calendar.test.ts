import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';
import { createLogger } from '../../src/logger.js';
import { createScheduler } from '../../src/scheduler.js';
import { newReport } from '../../src/jobs/notice.js';
import type { Job } from '../../src/jobs/types.js';
import { Harness } from '../support/harness.js';

const at = (local: string) => new Date(`${local}+08:00`);

// The office's 2027 entry: 1月4日 (a Monday) an extra day off, 1月9日 (a Saturday) a 调休 working day.
const ENTRY = '/假期 2027 元旦 1月1日-1月4日 调休:1月9日';

describe("working days count on the office's /假期 entries", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a ledger deadline counts the entered day off and the 调休 Saturday', async () => {
    let now = at('2026-12-28T10:00:00');
    h = await Harness.start({ clock: () => now });
    const admin = await h.makeAdmin('王主任');
    const chat = h.newChat();
    const zhang = h.person('张三');
    await h.say(admin, chat, '/绑定 第一支部');
    await h.say(admin, chat, '/任命 @张三 党员');
    expect(await h.say(admin, 'oc_p2p_admin', ENTRY, { chatType: 'p2p' })).toContain('已录入 2027 年');
    // 12-29…12-31, then 01-05…01-08 (01-04 entered off): 7, not the 8 of the package-and-core calendar.
    const opened = await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:办公室 时限:2027年1月8日 负责人:@张三');
    expect(opened).toContain('时限：2027-01-08（周五），还有 7 个工作日');
    // 01-09 is a 调休 working day: from 01-08 to 01-11 is two working days.
    now = at('2027-01-08T10:00:00');
    const m = await h.say(zhang, chat, '/措施 P1 建设平台 时限:1月11日 负责人:@张三');
    expect(m).toContain('时限：2027-01-11（周一），还有 2 个工作日');
  }, 30_000);
});

describe('the scheduler runs on the loaded calendar', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('sends nothing on the entered day off and runs on the 调休 Saturday', async () => {
    store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-office-cal-')), 'duban.json'));
    await store.transact((tx) => tx.saveHoliday({ year: 2027, name: '元旦', off: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04'], work: ['2027-01-09'] }, { by: 'ou_admin', at: '2026-11-20T02:00:00.000Z' }));
    const ran: string[] = [];
    const job: Job = {
      name: 'probe',
      label: '探针',
      time: '09:30',
      runsOn: (today, cal) => cal.isWorkingDay(today),
      run: async (now) => {
        ran.push(now.toISOString().slice(0, 10));
        return newReport('probe', now);
      },
    };
    let now = at('2027-01-04T09:30:00');
    const scheduler = createScheduler({ jobs: [job], jobDeps: { store, logger: createLogger('silent') }, clock: () => now, logger: createLogger('silent') });
    expect(await scheduler.tick(job, 'cron')).toBeUndefined();
    now = at('2027-01-09T09:30:00');
    expect(await scheduler.tick(job, 'cron')).toBeDefined();
    expect(ran).toHaveLength(1);
    await scheduler.stop();
  });
});
