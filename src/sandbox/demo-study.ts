import { addDays, addMonths, diffDays, parts, periodRange, type LocalDate } from '../../commands/shared/calendar.js';
import type { Tx } from '../../storage/store.js';
import type { StudyRecord } from '../../storage/study.js';
import type { DemoDays } from './demo-days.js';
import type { DemoCast } from './demo-ledger.js';
import { DEMO_BRANCH_SESSIONS, DEMO_FILMS, DEMO_LECTURES, DEMO_PARTY_LECTURES, DEMO_READINGS, DEMO_RESEARCH, DEMO_SITES, DEMO_VOLUNTEERING } from './demo-study-texts.js';
import type { Prng } from './prng.js';

type NewRecord = Omit<StudyRecord, 'id' | 'voided'>;

/** Research visits in a year, the seed's figure (走访调研63次). */
const RESEARCH_VISITS = 63;

/**
 * A year of the study and activity log through the Store verbs: monthly 中心组 sessions for the leaders, monthly
 * 三会一课 and a volunteer activity per branch (absentees mostly volunteer on their own), films and on-site
 * teaching, the leaders' volunteering, 专题党课 and research visits, expert tutorials, a reading class and
 * self-study. One leader has not yet given this year's 专题党课 and a few members miss a month's volunteering,
 * so the gap lists have something true to say.
 */
export async function seedDemoStudy(tx: Tx, cast: DemoCast, { rng, days, today }: { rng: Prng; days: DemoDays; today: LocalDate }): Promise<number> {
  const out: NewRecord[] = [];
  const add = (date: LocalDate | undefined, r: Omit<NewRecord, 'date' | 'entered'> & { by?: string }) => {
    if (!date) return;
    const { by, ...rest } = r;
    out.push({ ...rest, date, entered: { by: by ?? r.personId, at: days.at(date) } });
  };
  // A working day `from`–`to` days into the month, if it has already passed.
  const when = (monthStart: LocalDate, from: number, to: number): LocalDate | undefined => {
    const planned = addDays(monthStart, rng.int(from, to));
    return planned < days.first || planned > days.last ? undefined : days.work(planned);
  };
  const [chair, ...otherLeaders] = cast.leaders;
  const everyone = [cast.admin, ...cast.leaders, ...cast.secretaries, ...cast.members.flat()];

  for (let m = periodRange(days.first, 'month').start, i = 0; m <= today; m = addMonths(m, 1), i++) {
    const reading = () => rng.pick(DEMO_READINGS);
    const [officeActivity, officePlace] = rng.pick(DEMO_VOLUNTEERING);
    add(when(m, 3, 25), { form: '志愿服务', minutes: rng.int(4, 6) * 30, content: officeActivity, place: officePlace, personId: cast.admin, attendees: [] });
    add(when(m, 7, 20), { form: '理论学习中心组集中研讨', minutes: rng.pick([150, 180]), content: `集中研讨${reading()}`, place: '局党组会议室', personId: chair!, attendees: [...otherLeaders, cast.admin], by: cast.admin });
    for (const [b, sec] of cast.secretaries.entries()) {
      const members = cast.members[b]!;
      const branchId = cast.branchIds[b]!;
      const absent = (n: number) => new Set(Array.from({ length: n }, () => rng.pick(members)));
      const away = absent(rng.int(0, 1));
      add(when(m, 2, 14), { form: '支部集体学习', minutes: rng.pick([90, 120]), content: `${rng.pick(DEMO_BRANCH_SESSIONS)}：学习${reading()}`, branchId, personId: sec, attendees: members.filter((x) => !away.has(x)) });
      const missed = absent(rng.int(0, 2));
      const [activity, place] = rng.pick(DEMO_VOLUNTEERING);
      add(when(m, 5, 22), { form: '志愿服务', minutes: rng.int(4, 8) * 30, content: activity, place, branchId, personId: sec, attendees: members.filter((x) => !missed.has(x)) });
      for (const who of missed) {
        const [alone, where] = rng.pick(DEMO_VOLUNTEERING);
        if (rng.chance(0.8)) add(when(m, 10, 27), { form: '志愿服务', minutes: rng.int(2, 6) * 30, content: alone, place: where, branchId, personId: who, attendees: [] });
      }
      if (i % 3 === 1) add(when(m, 15, 25), { form: '观看教学片', minutes: rng.pick([60, 90]), content: rng.pick(DEMO_FILMS), branchId, personId: sec, attendees: members });
      if (i % 6 === 4) add(when(m, 8, 24), { form: '现场教学', minutes: 240, content: `赴${rng.pick(DEMO_SITES)}开展现场教学`, place: rng.pick(DEMO_SITES), branchId, personId: sec, attendees: members });
    }
    if (parts(m).month % 3 === 1) {
      for (const [k, leader] of cast.leaders.entries()) {
        const current = periodRange(m, 'quarter').end >= today;
        if (current && k === cast.leaders.length - 1) continue;
        const [activity, place] = rng.pick(DEMO_VOLUNTEERING);
        add(when(m, 10, 80), { form: '志愿服务', minutes: rng.int(4, 6) * 30, content: activity, place, personId: leader, attendees: [] });
      }
    }
  }

  // 专题党课: each leader once a calendar year at a paired branch; the last leader has not yet given this year's.
  for (const year of new Set([parts(days.first).year, parts(today).year])) {
    for (const [k, leader] of cast.leaders.entries()) {
      if (year === parts(today).year && k === cast.leaders.length - 1) continue;
      for (const b of cast.pairedLeader.flatMap((l, i) => (l === leader ? [i] : []))) {
        const planned = `${year}-${String(3 + k * 2).padStart(2, '0')}-${String(10 + b * 2).padStart(2, '0')}`;
        if (planned < days.first || planned > days.last) continue;
        add(days.work(planned), { form: '专题党课', minutes: 90, content: DEMO_PARTY_LECTURES[k % DEMO_PARTY_LECTURES.length]!, branchId: cast.branchIds[b]!, personId: leader, attendees: [cast.secretaries[b]!, ...cast.members[b]!] });
      }
    }
  }

  const span = diffDays(days.first, days.last);
  for (let k = 0; k < RESEARCH_VISITS; k++) {
    const [topic, place] = rng.pick(DEMO_RESEARCH);
    const leader = cast.leaders[k % cast.leaders.length]!;
    add(days.work(addDays(days.first, rng.int(0, span))), { form: '调查研究', ...(rng.chance(0.7) ? { minutes: 180 } : {}), content: `${topic}：赴${place}走访调研`, place, personId: leader, attendees: [] });
  }
  for (const [k, lecture] of DEMO_LECTURES.entries()) {
    add(days.work(addDays(days.first, 110 + k * 150)), { form: '专家辅导', minutes: 120, content: `邀请省委党校教授作《${lecture}》专题辅导`, place: '局机关大会议室', personId: cast.admin, attendees: everyone.filter((x) => x !== cast.admin) });
  }
  add(days.work(addDays(days.first, 160)), { form: '读书班', minutes: 960, content: `主题教育读书班：研读${DEMO_READINGS[0]}、${DEMO_READINGS[2]}`, place: '市委党校', personId: chair!, attendees: [...otherLeaders, ...cast.secretaries], by: cast.admin });
  for (const who of [...cast.secretaries, ...cast.members.flat()]) {
    for (let n = rng.int(3, 6); n > 0; n--) add(days.work(addDays(days.first, rng.int(0, span))), { form: '个人自学', minutes: rng.pick([60, 90]), content: rng.pick(DEMO_READINGS), personId: who, attendees: [] });
  }

  out.sort((a, b) => a.date.localeCompare(b.date) || a.entered.at.localeCompare(b.entered.at));
  for (const r of out) await tx.addStudyRecord(r);
  return out.length;
}
