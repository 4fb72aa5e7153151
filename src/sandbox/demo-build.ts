import { toLocalDate } from '../../commands/shared/calendar.js';
import type { Store } from '../../storage/store.js';
import { createDemoDays } from './demo-days.js';
import { seedDemoLedger, type DemoCast } from './demo-ledger.js';
import { DEMO_ADMIN, DEMO_BRANCHES, DEMO_LEADERS, DEMO_LEADERSHIP_CHAT, DEMO_MARK, demoOpenId, demoPeople } from './demo-roster.js';
import { seedDemoOrgLife } from './demo-org-life.js';
import { seedDemoStudy } from './demo-study.js';
import { createPrng } from './prng.js';
import { nextSendingTime } from './sending-time.js';

/** The seed behind `npm run demo`; another seed gives another (equally consistent) bureau. */
export const DEMO_SEED = 20231;

/** What was built, for the start-up banner. */
export interface DemoSummary {
  branches: number;
  people: number;
  problems: number;
  measures: number;
  studyRecords: number;
  firstSendingDay: string;
}

/**
 * Builds the demo bureau in an empty store through the Store verbs, as of `now`: five branches with bound chats,
 * the leadership chat, 40 people with roles, a year of study and volunteer records, the 71-problem ledger of
 * the seeds (69 closed out, 128 measures, 2 overdue) and a year of 组织生活 (meetings, leaves, linked leaders).
 * The same `now` and seed always give the same bureau.
 */
export async function buildDemo(store: Store, now: Date, seed = DEMO_SEED): Promise<DemoSummary> {
  const rng = createPrng(seed);
  const today = toLocalDate(now);
  const d0 = toLocalDate(nextSendingTime(now));
  const days = createDemoDays(today, rng);
  return store.transact(async (tx) => {
    if ((await tx.listBranches()).length > 0) throw new Error('the demo bureau needs an empty data file');
    const admin = demoOpenId(DEMO_ADMIN);
    const setUp = { by: admin, at: days.at(days.first, 1) };
    const branchIds: string[] = [];
    for (const b of DEMO_BRANCHES) {
      const branch = await tx.createBranch(b.name, setUp);
      branchIds.push(branch.id);
      await tx.bindChat({ id: b.chatId, kind: 'branch', branchId: branch.id }, setUp);
    }
    await tx.bindChat({ id: DEMO_LEADERSHIP_CHAT, kind: 'leadership' }, setUp);
    for (const p of demoPeople()) {
      await tx.savePerson({ id: p.openId, name: p.name, nameSource: 'contact', role: p.role, ...(p.branch ? { branchId: branchIds[DEMO_BRANCHES.findIndex((b) => b.name === p.branch)]! } : {}) }, setUp);
    }
    const cast: DemoCast = {
      admin,
      leaders: DEMO_LEADERS.map(demoOpenId),
      branchIds,
      chatIds: DEMO_BRANCHES.map((b) => b.chatId),
      secretaries: DEMO_BRANCHES.map((b) => demoOpenId(b.people[0]!)),
      members: DEMO_BRANCHES.map((b) => b.people.slice(1).map(demoOpenId)),
      pairedLeader: DEMO_BRANCHES.map((b) => demoOpenId(b.leader)),
    };
    const studyRecords = await seedDemoStudy(tx, cast, { rng, days, today });
    await seedDemoLedger(tx, cast, { d0, rng, days });
    const meetings = await seedDemoOrgLife(tx, cast, { seed, today });
    await tx.audit({ at: now.toISOString(), by: admin, action: 'demo-build', subject: DEMO_MARK, to: `seed ${seed}` });
    return {
      branches: branchIds.length,
      people: (await tx.listPeople()).length,
      problems: (await tx.listProblems()).length,
      measures: (await tx.listMeasures()).length,
      studyRecords: studyRecords + meetings,
      firstSendingDay: d0,
    };
  });
}
