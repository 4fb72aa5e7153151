import { addDays, addWorkingDays, diffDays, type LocalDate } from '../../commands/shared/calendar.js';
import type { Tx } from '../../storage/store.js';
import { DEMO_EVIDENCE, DEMO_OPEN, DEMO_PROBLEMS, DEMO_PROGRESS, type DemoProblem } from './demo-problems.js';
import type { DemoDays } from './demo-days.js';
import { DEMO_BRANCHES } from './demo-roster.js';
import type { Prng } from './prng.js';

/** Who is who in the demo bureau, by open_id; branch-indexed lists follow DEMO_BRANCHES. */
export interface DemoCast {
  admin: string;
  leaders: string[];
  branchIds: string[];
  chatIds: string[];
  secretaries: string[];
  /** Members of each branch, secretary excluded. */
  members: string[][];
  /** The leader paired with each branch. */
  pairedLeader: string[];
}

interface Step {
  day: LocalDate;
  run: (at: string) => Promise<unknown>;
}

/**
 * The problem list and rectification ledger through the Store verbs, with realistic histories: each problem
 * opened by its secretary, measures added and done by their owners, progress notes, a few extensions and
 * rejected close-outs, and close-out with evidence approved by a reviewer. Two problems stay open, overdue 4 and
 * 10 working days on `d0` (the first sending day), so that day's reminders walk the escalation ladder.
 */
export async function seedDemoLedger(tx: Tx, cast: DemoCast, opts: { d0: LocalDate; rng: Prng; days: DemoDays }): Promise<void> {
  const { rng, days } = opts;
  const plans = DEMO_PROBLEMS.flatMap((list, branch) =>
    list.map((problem, index) => {
      const open = DEMO_OPEN.find((o) => o.branch === branch && o.index === index);
      // Found during the year's self-inspection, early enough to have been rectified by now.
      const created = open ? undefined : days.work(addDays(days.first, rng.int(10, diffDays(days.first, days.last) - 75)));
      return { branch, problem, open, created };
    }),
  );
  const openPlans = plans.filter((p) => p.open).map((p) => ({ ...p, ...openTimeline(p.open!.overdue, opts) }));
  const closedPlans = plans.filter((p) => !p.open).map((p) => ({ ...p, created: p.created! }));
  const ordered = [...closedPlans.map((p) => ({ p, created: p.created, open: undefined })), ...openPlans.map((p) => ({ p, created: p.created, open: p }))].sort((a, b) => a.created.localeCompare(b.created));
  for (const { p, open } of ordered) {
    const steps = open ? await openProblem(tx, cast, p.branch, p.problem, open, opts) : await closedProblem(tx, cast, p.branch, p.problem, p.created, opts);
    await runInOrder(steps, days);
  }
  await seedTasks(tx, cast, opts);
}

function openTimeline(overdue: number, opts: { d0: LocalDate; rng: Prng; days: DemoDays }) {
  const deadline = addWorkingDays(opts.d0, -overdue);
  // The longer-overdue one was extended once already.
  const original = overdue >= 10 ? addDays(deadline, -31) : deadline;
  return { deadline, original, created: opts.days.work(addDays(original, -opts.rng.int(75, 90))) };
}

async function closedProblem(tx: Tx, cast: DemoCast, b: number, dp: DemoProblem, created: LocalDate, { rng, days }: { rng: Prng; days: DemoDays }): Promise<Step[]> {
  const sec = cast.secretaries[b]!;
  const lead = rng.chance(0.2) ? sec : rng.pick(cast.members[b]!);
  const reviewer = lead === sec ? cast.pairedLeader[b]! : sec;
  let deadline = addDays(created, rng.int(60, 110));
  const p = await tx.openProblem(
    { branchId: cast.branchIds[b]!, description: dp.description, source: dp.source, responsibleUnit: rng.pick(DEMO_BRANCHES[b]!.units), leadPerson: lead, deadline },
    { by: sec, at: days.at(created) },
  );
  const added = days.work(addDays(created, rng.int(1, 4)));
  const steps: Step[] = [];
  const latest = addWorkingDays(days.last, -6);
  let from = added;
  if (addDays(deadline, 20) < latest && rng.chance(0.1)) {
    const asked = days.work(addDays(deadline, -rng.int(5, 8)));
    const approved = days.work(addDays(asked, 1));
    const extended = addDays(deadline, rng.int(30, 45));
    const reason = '涉及多部门协调，所需时间超出预期';
    steps.push({ day: asked, run: (at) => tx.updateProblem(p.id, { status: '申请延期', extensionRequest: { by: lead, at, deadline: extended, reason } }, { at, by: lead, action: 'extend-request', note: `新时限 ${extended}，理由：${reason}` }) });
    steps.push({ day: approved, run: (at) => tx.updateProblem(p.id, { status: '整改中', deadline: extended }, { at, by: reviewer, action: 'extend-approve', note: reason }) });
    deadline = extended;
    from = approved;
  }
  const lo = addDays(from, 20);
  const hi = minDate(addDays(deadline, -2), latest);
  let asked = days.work(hi > lo ? addDays(lo, rng.int(0, diffDays(lo, hi))) : lo);
  const work = pickDays(days.between(from, asked), dp.measures.length + 2, rng);
  const measures = [];
  for (const [k, content] of dp.measures.entries()) {
    const owner = k === 0 ? lead : rng.pick(cast.members[b]!);
    const m = await tx.addMeasure({ problemId: p.id, content, owner, deadline: minDate(deadline, addDays(added, rng.int(25, 55))) }, { by: sec, at: days.at(added, k + 1) });
    measures.push(m);
    const done = work[k] ?? asked;
    steps.push({ day: done, run: (at) => tx.updateMeasure(m.id, { status: '已完成', done: { by: owner, at, note: '已按计划完成' } }, { at, by: owner, action: 'measure-done', note: '已按计划完成' }) });
  }
  for (const day of work.slice(dp.measures.length)) {
    const note = rng.pick(DEMO_PROGRESS);
    steps.push({ day, run: (at) => tx.updateProblem(p.id, {}, { at, by: lead, action: 'progress', note }) });
  }
  const evidence = rng.pick(DEMO_EVIDENCE);
  const request = (day: LocalDate) => steps.push({ day, run: (at) => tx.updateProblem(p.id, { status: '待审核', closeRequest: { by: lead, at, evidence, openMeasures: [] } }, { at, by: lead, action: 'close-request', note: evidence }) });
  request(asked);
  if (rng.chance(0.06)) {
    const rejected = days.work(addDays(asked, 1));
    const note = '佐证材料不全，请补充验收报告';
    steps.push({ day: rejected, run: (at) => tx.updateProblem(p.id, { status: '整改中' }, { at, by: reviewer, action: 'close-reject', note }) });
    asked = days.work(addDays(rejected, rng.int(2, 4)));
    request(asked);
  }
  const approved = days.work(addDays(asked, rng.int(1, 3)));
  steps.push({ day: approved, run: (at) => tx.updateProblem(p.id, { status: '已整改销号', closed: { by: reviewer, at, evidence, requestedBy: lead } }, { at, by: reviewer, action: 'close-approve' }) });
  return steps;
}

async function openProblem(tx: Tx, cast: DemoCast, b: number, dp: DemoProblem, t: { deadline: LocalDate; original: LocalDate; created: LocalDate }, { rng, days }: { rng: Prng; days: DemoDays }): Promise<Step[]> {
  const sec = cast.secretaries[b]!;
  const lead = cast.members[b]![0]!;
  const p = await tx.openProblem(
    { branchId: cast.branchIds[b]!, description: dp.description, source: dp.source, responsibleUnit: DEMO_BRANCHES[b]!.units[0]!, leadPerson: lead, deadline: t.original },
    { by: sec, at: days.at(t.created) },
  );
  const added = days.work(addDays(t.created, 2));
  const steps: Step[] = [];
  if (t.original !== t.deadline) {
    const asked = days.work(addDays(t.original, -6));
    const reason = '历史数据量大，核查比对工作需延长';
    steps.push({ day: asked, run: (at) => tx.updateProblem(p.id, { status: '申请延期', extensionRequest: { by: lead, at, deadline: t.deadline, reason } }, { at, by: lead, action: 'extend-request', note: `新时限 ${t.deadline}，理由：${reason}` }) });
    steps.push({ day: days.work(addDays(asked, 1)), run: (at) => tx.updateProblem(p.id, { status: '整改中', deadline: t.deadline }, { at, by: sec, action: 'extend-approve', note: reason }) });
  }
  const [first, second] = dp.measures;
  const m1 = await tx.addMeasure({ problemId: p.id, content: first!, owner: lead, deadline: addDays(t.original, -20) }, { by: sec, at: days.at(added, 1) });
  steps.push({ day: days.work(addDays(t.original, -24)), run: (at) => tx.updateMeasure(m1.id, { status: '已完成', done: { by: lead, at, note: '已完成' } }, { at, by: lead, action: 'measure-done', note: '已完成' }) });
  // The second measure is still open, as late as the problem: both appear on the reminder ladder.
  await tx.addMeasure({ problemId: p.id, content: second!, owner: cast.members[b]![1]!, deadline: t.deadline }, { by: sec, at: days.at(added, 2) });
  steps.push({ day: days.work(addDays(t.created, 20)), run: (at) => tx.updateProblem(p.id, {}, { at, by: lead, action: 'progress', note: rng.pick(DEMO_PROGRESS) }) });
  steps.push({ day: days.work(addDays(t.deadline, -3)), run: (at) => tx.updateProblem(p.id, {}, { at, by: lead, action: 'progress', note: '工作量超出预期，正在加紧推进' }) });
  return steps;
}

/** Assigned tasks: three long done, one due the working day after `d0` and one five working days after. */
async function seedTasks(tx: Tx, cast: DemoCast, { d0, rng, days }: { d0: LocalDate; rng: Prng; days: DemoDays }): Promise<void> {
  const done = [
    // Given to every secretary in the office's chat: bureau-wide, so no branch.
    { content: '报送上半年党建工作总结', assigner: cast.admin, chat: 0, branch: undefined, assignees: cast.secretaries, result: '已按时报送机关党委' },
    { content: '形成数据共享专题调研报告', assigner: cast.pairedLeader[2]!, chat: 2, branch: 2, assignees: [cast.secretaries[2]!], result: '调研报告已报送局党组' },
    { content: '整理营商环境评价佐证材料', assigner: cast.secretaries[3]!, chat: 3, branch: 3, assignees: cast.members[3]!.slice(0, 2), result: '佐证材料已整理归档' },
  ];
  for (const [i, d] of done.entries()) {
    const given = days.work(addDays(days.first, 60 + i * 90 + rng.int(0, 20)));
    const branch = d.branch === undefined ? {} : { branchId: cast.branchIds[d.branch]! };
    const t = await tx.addTask({ content: d.content, deadline: addDays(given, 14), assigner: d.assigner, chatId: cast.chatIds[d.chat]!, ...branch, assignees: d.assignees }, { by: d.assigner, at: days.at(given) });
    const reported = days.work(addDays(given, rng.int(5, 10)));
    const at = days.at(reported);
    await tx.updateTask(t.id, { status: '已办结', assignees: t.assignees.map((a) => ({ ...a, reportedAt: at, result: d.result })) }, { at, by: d.assignees[0]!, action: 'task-report', note: d.result });
  }
  const given = days.work(addDays(days.last, -5));
  const office = await tx.addTask(
    { content: '提交主题教育专题学习心得体会', deadline: addWorkingDays(d0, 1), assigner: cast.secretaries[0]!, chatId: cast.chatIds[0]!, branchId: cast.branchIds[0]!, assignees: cast.members[0]!.slice(0, 3) },
    { by: cast.secretaries[0]!, at: days.at(given) },
  );
  const reported = days.at(days.work(addDays(given, 2)));
  await tx.updateTask(office.id, { assignees: office.assignees.map((a, i) => (i === 1 ? { ...a, reportedAt: reported, result: '心得体会已提交支部' } : a)) }, { at: reported, by: office.assignees[1]!.openId, action: 'task-report', note: '心得体会已提交支部' });
  await tx.addTask(
    { content: '撰写“一件事一次办”专题调研报告', deadline: addWorkingDays(d0, 5), assigner: cast.pairedLeader[1]!, chatId: cast.chatIds[1]!, branchId: cast.branchIds[1]!, assignees: [cast.secretaries[1]!, cast.members[1]![0]!] },
    { by: cast.pairedLeader[1]!, at: days.at(given) },
  );
}

async function runInOrder(steps: Step[], days: DemoDays): Promise<void> {
  const sorted = steps.map((s, i) => ({ ...s, i })).sort((a, b) => a.day.localeCompare(b.day) || a.i - b.i);
  let slot = 0;
  let prev = '';
  for (const s of sorted) {
    slot = s.day === prev ? slot + 1 : 1;
    prev = s.day;
    await s.run(days.at(s.day, slot));
  }
}

function pickDays(list: LocalDate[], n: number, rng: Prng): LocalDate[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(n, list.length)) chosen.add(rng.int(0, list.length - 1));
  return [...chosen].sort((a, b) => a - b).map((i) => list[i]!);
}

function minDate(a: LocalDate, b: LocalDate): LocalDate {
  return a < b ? a : b;
}
