import { addDays, diffDays } from '../../commands/shared/calendar.js';
import { createPrng } from '../../src/sandbox/prng.js';
import type { Person, Role } from '../../storage/records.js';
import type { Store } from '../../storage/store.js';
import { FORMS } from '../../storage/study.js';

/** The shape of a random bureau; the seed fills in the history. */
export interface BureauPlan {
  seed: number;
  branches: number;
  peoplePerBranch: number;
  leaders: number;
  /** Whether the admin belongs to a branch (the demo's admin does not). */
  adminInBranch: boolean;
  records: number;
  problems: number;
  tasks: number;
}

/** What the builder made, for the test to pick scopes from. */
export interface RandomBureau {
  branches: { id: string; name: string; chatId: string }[];
  people: Person[];
  leadershipChat: string;
}

const NAMES = ['办公室党支部', '数据资源科党支部', '政务服务科党支部', '第一支部', '信息中心党支部'];
const FIRST = '2026-01-05';
/** The last moment anything happens: 09:00 Shanghai on 2026-11-30, before the jobs and commands of that day. */
const LAST = '2026-11-30';

/** An instant on a Shanghai date, `minute` minutes after 08:00. */
const at = (d: string, minute = 0) => new Date(Date.parse(`${d}T00:00:00.000Z`) + minute * 60_000).toISOString();

/**
 * Builds a random bureau and a year of history through the Store verbs only: people in branches (and an admin and
 * leaders who may have none), study records with attendees across branches, voided ones, problems opened, extended,
 * closed out or voided with their measures, and tasks with some assignees reporting.
 */
export async function buildRandomBureau(store: Store, plan: BureauPlan): Promise<RandomBureau> {
  const rng = createPrng(plan.seed);
  const day = (from: string, to: string) => addDays(from, rng.int(0, Math.max(0, diffDays(from, to))));
  return store.transact(async (tx) => {
    const admin = 'ou_admin';
    const stamp = { by: admin, at: at(FIRST) };
    const branches = [];
    for (let i = 0; i < plan.branches; i++) {
      const b = await tx.createBranch(NAMES[i]!, stamp);
      const chatId = `oc_branch_${i}`;
      await tx.bindChat({ id: chatId, kind: 'branch', branchId: b.id }, stamp);
      branches.push({ id: b.id, name: b.name, chatId });
    }
    const leadershipChat = 'oc_leaders';
    await tx.bindChat({ id: leadershipChat, kind: 'leadership' }, stamp);
    const person = (id: string, name: string, role: Role, branchId?: string) => tx.savePerson({ id, name, nameSource: 'contact', role, ...(branchId ? { branchId } : {}) }, stamp);
    const people: Person[] = [await person(admin, '管理员', 'admin', plan.adminInBranch ? branches[0]!.id : undefined)];
    for (let i = 0; i < plan.leaders; i++) people.push(await person(`ou_leader_${i}`, `领导${i}`, 'leader', i === 1 ? branches.at(-1)!.id : undefined));
    for (const [bi, b] of branches.entries()) {
      for (let i = 0; i < plan.peoplePerBranch; i++) people.push(await person(`ou_p${bi}_${i}`, `党员${bi}${i}`, i === 0 ? 'secretary' : 'member', b.id));
    }
    const ids = people.map((p) => p.id);
    const branchOf = (id: string) => people.find((p) => p.id === id)?.branchId;

    for (let i = 0; i < plan.records; i++) {
      const personId = rng.pick(ids);
      const date = day(FIRST, LAST);
      const attendees = ids.filter((id) => id !== personId && rng.chance(0.3));
      const branchId = rng.chance(0.8) ? branchOf(personId) : rng.chance(0.5) ? rng.pick(branches).id : undefined;
      const r = await tx.addStudyRecord({
        date,
        form: rng.pick(FORMS),
        ...(rng.chance(0.85) ? { minutes: rng.int(1, 8) * 30 } : {}),
        content: `学习${i}`,
        ...(branchId ? { branchId } : {}),
        personId,
        attendees,
        entered: { by: personId, at: at(date, 60) },
      });
      if (rng.chance(0.1)) await tx.voidStudyRecord(r.id, { by: admin, at: at(date, 120), reason: '重复' });
    }

    for (let i = 0; i < plan.problems; i++) {
      const b = rng.pick(branches);
      const opened = day('2026-06-01', '2026-11-25');
      const lead = rng.pick(ids);
      let p = await tx.openProblem({ branchId: b.id, description: `问题${i}`, responsibleUnit: '科室', leadPerson: lead, deadline: day(addDays(opened, 1), '2026-12-31') }, { by: admin, at: at(opened, 30) });
      let t = opened;
      const next = () => (t = day(t, LAST));
      for (let k = rng.int(0, 3); k > 0; k--) {
        const m = await tx.addMeasure({ problemId: p.id, content: `措施${i}-${k}`, owner: rng.pick(ids), deadline: day(opened, '2026-12-31') }, { by: lead, at: at(next(), 40) });
        if (rng.chance(0.5)) await tx.updateMeasure(m.id, { status: '已完成', done: { by: m.owner, at: at(next(), 50), note: '完成' } }, { at: at(t, 50), by: m.owner, action: 'measure-done' });
      }
      if (rng.chance(0.3)) p = await tx.updateProblem(p.id, { deadline: day(p.deadline, '2026-12-31') }, { at: at(next(), 60), by: admin, action: 'extend-approve' });
      if (rng.chance(0.5)) {
        p = await tx.updateProblem(p.id, { status: '待审核' }, { at: at(next(), 70), by: lead, action: 'close-request' });
        if (rng.chance(0.7)) await tx.updateProblem(p.id, { status: '已整改销号', closed: { by: admin, at: at(next(), 80), evidence: '验收', requestedBy: lead } }, { at: at(t, 80), by: admin, action: 'close-approve' });
      }
      if (rng.chance(0.1)) await tx.updateProblem(p.id, { voided: { by: admin, at: at(next(), 90), reason: '录错' } }, { at: at(t, 90), by: admin, action: 'void' });
    }

    for (let i = 0; i < plan.tasks; i++) {
      const given = day('2026-09-01', '2026-11-25');
      const chat = rng.pick(branches);
      const assignees = ids.filter(() => rng.chance(0.25)).slice(0, 3);
      if (assignees.length === 0) assignees.push(rng.pick(ids));
      const task = await tx.addTask({ content: `督办${i}`, deadline: day(given, '2026-12-20'), assigner: admin, chatId: chat.chatId, ...(rng.chance(0.8) ? { branchId: chat.id } : {}), assignees }, { by: admin, at: at(given, 100) });
      if (rng.chance(0.4)) {
        const when = at(day(given, LAST), 110);
        const reported = task.assignees.map((a, j) => (j === 0 ? { ...a, reportedAt: when, result: '已办' } : a));
        await tx.updateTask(task.id, { assignees: reported, status: reported.every((a) => a.reportedAt) ? '已办结' : '办理中' }, { at: when, by: assignees[0]!, action: 'task-report' });
      }
    }
    return { branches, people, leadershipChat };
  });
}
