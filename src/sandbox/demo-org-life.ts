import { addDays, addMonths, parts, periodRange, type LocalDate } from '../../commands/shared/calendar.js';
import { covers, type Leave } from '../../storage/leave.js';
import type { Tx } from '../../storage/store.js';
import { formOfKind, type MeetingDetail, type MeetingKind } from '../../storage/study.js';
import { createDemoDays, type DemoDays } from './demo-days.js';
import type { DemoCast } from './demo-ledger.js';
import { createPrng, type Prng } from './prng.js';

const TOPICS: Readonly<Partial<Record<MeetingKind, readonly string[]>>> = {
  支部党员大会: ['传达学习党的二十届四中全会精神', '通报季度党建工作并部署下季度任务', '讨论发展党员工作', '学习贯彻《中国共产党纪律处分条例》'],
  支委会: ['研究本月党建工作安排', '研究党员发展和教育管理工作', '研究检视问题整改推进情况', '研究主题党日活动方案', '讨论党费收缴情况'],
  党小组会: ['学习习近平总书记重要讲话精神', '交流岗位工作中的学习体会', '学习政务服务领域典型案例', '学习《习近平谈治国理政》第五卷'],
  主题党日: ['重温入党誓词', '政务服务进社区志愿活动', '参观廉政教育基地', '学习身边先进典型事迹', '“我为群众办实事”实践活动'],
  党课: ['以高质量党建引领政务服务提质增效', '牢记初心使命 争做合格党员', '深入学习贯彻党的创新理论', '弘扬伟大建党精神'],
  组织生活会: ['年度组织生活会：对照检查、开展批评和自我批评'],
  民主评议党员: ['年度民主评议党员'],
  谈心谈话: ['年度谈心谈话：思想工作情况交流'],
  警示教育: ['观看警示教育片并讨论典型案例'],
  中心组学习: ['专题研讨：推进数字政府建设', '专题研讨：优化营商环境', '专题研讨：党的二十届四中全会精神', '专题研讨：全面从严治党主体责任'],
  民主生活会: ['年度民主生活会：对照检查、开展批评和自我批评'],
};
const BRANCH_PLACES = ['支部活动室', '三楼会议室', '五楼小会议室', '党员活动中心'];
const ON_DAY_REASONS = ['出差', '外出培训', '病假', '公务外出', '值班'];
const LEAVE_REASONS = ['出差', '病假', '公休假', '参加培训', '家中有事'];
const MINUTES: Readonly<Record<MeetingKind, readonly number[]>> = {
  支部党员大会: [90, 120], 支委会: [60, 90], 党小组会: [60], 党课: [90], 主题党日: [120, 180], 组织生活会: [180], 民主评议党员: [120],
  谈心谈话: [30, 60], 警示教育: [90], 中心组学习: [180], 民主生活会: [240],
};

interface Plan {
  kind: MeetingKind;
  date: LocalDate;
  branch?: number;
  host: string;
  recorder: string;
  expected: string[];
  place: string;
}

/**
 * A year of 组织生活 as /会议, /补学, /请假 and /联系 leave it: each branch's 支部党员大会 and 党课 quarterly (one 党课 a
 * year given by its linked leader), 支委会, 党小组会 and 主题党日 monthly, 组织生活会 and 民主评议党员 in December, a
 * 谈心谈话 and a 警示教育; the leadership's 专题 中心组学习 quarterly (demo-study logs the monthly sessions) and its
 * 民主生活会. Leaders get a home branch and their linked branches; a few leaves mark attendance 请假 on their own.
 * Two meetings are left out on purpose (a branch's 支委会 last month, another's 支部党员大会 last quarter) so
 * /组织生活 and the bulletin have a true gap to show. Returns the number of meeting records.
 */
export async function seedDemoOrgLife(tx: Tx, cast: DemoCast, { seed, today }: { seed: number; today: LocalDate }): Promise<number> {
  // Its own PRNG, so the records seeded before keep the seeds' figures whatever is added here.
  const rng = createPrng(seed ^ 0x5eed0f);
  const days = createDemoDays(today, rng);
  const [chair] = cast.leaders;
  const home = cast.leaders.map((l) => cast.pairedLeader.indexOf(l));
  for (const [k, leader] of cast.leaders.entries()) {
    const linked = cast.branchIds.filter((_, b) => cast.pairedLeader[b] === leader);
    const at = days.at(days.first, 2 + k);
    await tx.savePerson({ id: leader, ...(home[k]! >= 0 ? { branchId: cast.branchIds[home[k]!]! } : {}), linkedBranchIds: linked }, { by: cast.admin, at });
    await tx.audit({ at, by: cast.admin, action: 'link', subject: `person:${leader}`, from: '', to: linked.join(',') });
  }
  const leaves = await seedLeaves(tx, cast, rng, days, today);

  const plans: Plan[] = [];
  // A working day `from`–`to` days into the month if it has passed; the demo's first days take what fell before them,
  // so the first month and quarter are not gaps.
  const when = (monthStart: LocalDate, from: number, to: number): LocalDate | undefined => {
    const planned = addDays(monthStart, rng.int(from, to));
    return planned > days.last ? undefined : days.work(planned);
  };
  const plan = (date: LocalDate | undefined, p: Omit<Plan, 'date' | 'place'> & { place?: string }) => {
    if (date) plans.push({ place: rng.pick(BRANCH_PLACES), ...p, date });
  };
  const lastMonth = periodRange(addDays(periodRange(today, 'month').start, -1), 'month');
  const lastQuarter = periodRange(addDays(periodRange(today, 'quarter').start, -1), 'quarter');
  const skipped = (b: number, kind: MeetingKind, m: LocalDate) =>
    (b === 4 && kind === '支委会' && m === lastMonth.start) || (b === 2 && kind === '支部党员大会' && m >= lastQuarter.start && m <= lastQuarter.end);

  for (let m = periodRange(days.first, 'month').start, i = 0; m <= today; m = addMonths(m, 1), i++) {
    const month = parts(m).month;
    for (const [b, sec] of cast.secretaries.entries()) {
      const members = cast.members[b]!;
      const roster = [sec, ...members, ...cast.leaders.filter((_, k) => home[k] === b)];
      const committee = [sec, members[0]!, members[1]!];
      const group = i % 2 === 0 ? [members[2]!, members[0]!, members[3]!, ...roster.slice(members.length + 1)] : [members[4]!, members[1]!, members[5]!, sec];
      const at = (kind: MeetingKind, date: LocalDate | undefined, p: Omit<Plan, 'date' | 'place' | 'kind' | 'branch'> & { place?: string }) => {
        if (!skipped(b, kind, m)) plan(date, { kind, branch: b, ...p });
      };
      at('支委会', when(m, 1, 7), { host: sec, recorder: members[0]!, expected: committee });
      at('党小组会', when(m, 8, 16), { host: group[0]!, recorder: group[1]!, expected: group });
      at('主题党日', when(m, 12, 22), { host: sec, recorder: members[1]!, expected: roster });
      if (month % 3 === 1 || i === 0) at('支部党员大会', when(m, 8, 20), { host: sec, recorder: members[0]!, expected: roster });
      if (month % 3 === 2 || (i === 0 && month % 3 === 0)) at('党课', when(m, 14, 24), { host: month === 8 ? cast.pairedLeader[b]! : sec, recorder: members[1]!, expected: roster });
      if (month === 12) {
        at('组织生活会', when(m, 15, 21), { host: sec, recorder: members[0]!, expected: roster });
        at('民主评议党员', when(m, 22, 28), { host: sec, recorder: members[0]!, expected: roster });
      }
      if (month === 6) at('警示教育', when(m, 10, 20), { host: sec, recorder: members[1]!, expected: roster, place: '市廉政教育基地' });
      if (month % 6 === 3) {
        const other = rng.pick(members);
        at('谈心谈话', when(m, 5, 25), { host: sec, recorder: sec, expected: [sec, other], place: '书记办公室' });
      }
    }
    if (month % 3 === 0) plan(when(m, 18, 26), { kind: '中心组学习', host: chair!, recorder: cast.admin, expected: [...cast.leaders], place: '局党组会议室' });
    if (month === 12) plan(when(m, 20, 28), { kind: '民主生活会', host: chair!, recorder: cast.admin, expected: [...cast.leaders], place: '局党组会议室' });
  }

  plans.sort((a, b) => a.date.localeCompare(b.date));
  for (const p of plans) await hold(tx, p, { cast, rng, days, leaves });
  return plans.length;
}

/** A few leaves over the year, one of them running today, through the /请假 verb. */
async function seedLeaves(tx: Tx, cast: DemoCast, rng: Prng, days: DemoDays, today: LocalDate): Promise<Leave[]> {
  const out: Leave[] = [];
  const add = async (personId: string, from: LocalDate, length: number, reason: string, by: string) => {
    const asked = days.work(addDays(from, -3));
    out.push(await tx.addLeave({ personId, from, to: addDays(from, length - 1), reason, entered: { by, at: days.at(asked) } }));
  };
  for (let n = 0; n < 7; n++) {
    const b = rng.int(0, cast.members.length - 1);
    const who = rng.pick(cast.members[b]!);
    await add(who, days.work(addDays(days.first, 20 + n * 45 + rng.int(0, 20))), rng.int(3, 7), rng.pick(LEAVE_REASONS), rng.chance(0.5) ? who : cast.secretaries[b]!);
  }
  await add(cast.leaders[2]!, days.work(addDays(days.first, 200)), 5, '赴省厅学习', cast.leaders[2]!);
  await add(cast.members[1]![3]!, addDays(today, -2), 8, '病假', cast.secretaries[1]!);
  return out.sort((a, b) => a.from.localeCompare(b.from));
}

/** One meeting with its minutes: leaves from the register, a few 请假 on the day and 缺席, then some 补学. */
async function hold(tx: Tx, p: Plan, { cast, rng, days, leaves }: { cast: DemoCast; rng: Prng; days: DemoDays; leaves: readonly Leave[] }): Promise<void> {
  const leave: MeetingDetail['leave'] = [];
  const absent: string[] = [];
  for (const id of p.expected) {
    if (id === p.host) continue;
    const registered = leaves.find((l) => l.personId === id && covers(l, p.date));
    if (registered) leave.push({ personId: id, ...(registered.reason ? { reason: registered.reason } : {}), auto: true });
    else if (p.expected.length > 3 && rng.chance(0.06)) leave.push({ personId: id, reason: rng.pick(ON_DAY_REASONS) });
    else if (p.expected.length > 3 && rng.chance(0.025)) absent.push(id);
  }
  const away = new Set([...leave.map((l) => l.personId), ...absent]);
  const entered = p.kind === '中心组学习' || p.kind === '民主生活会' ? cast.admin : p.branch !== undefined ? cast.secretaries[p.branch]! : p.host;
  const rec = await tx.addStudyRecord({
    date: p.date,
    form: formOfKind(p.kind),
    minutes: rng.pick(MINUTES[p.kind]),
    content: rng.pick(TOPICS[p.kind]!),
    place: p.place,
    ...(p.branch !== undefined ? { branchId: cast.branchIds[p.branch]! } : {}),
    personId: p.host,
    attendees: p.expected.filter((id) => id !== p.host && !away.has(id)),
    entered: { by: entered, at: days.at(p.date) },
    meeting: { kind: p.kind, host: p.host, recorder: away.has(p.recorder) ? p.host : p.recorder, expected: p.expected, leave, absent },
  });
  for (const id of away) {
    const date = addDays(p.date, rng.int(2, 12));
    if (date > days.last || !rng.chance(0.6)) continue;
    const day = days.work(date);
    await tx.addMakeup(rec.id, { personId: id, date: day, note: '自学会议传达的文件精神并提交学习体会', entered: { by: id, at: days.at(day) } });
  }
}
