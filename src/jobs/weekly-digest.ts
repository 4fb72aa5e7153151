import { computeFigures, quotaGaps, sliceByBranch, type QuotaGap } from '../../commands/figures/bureau-figures.js';
import { addDays, formatDate, periodRange, toLocalDate } from '../../commands/shared/calendar.js';
import { md, type CardElement } from '../../commands/shared/card.js';
import { fitCards } from '../../commands/shared/card-fit.js';
import { joinMarkdown, markdown, type Markdown } from '../../commands/shared/markdown.js';
import { formatRate } from '../../commands/figures/ledger-figures.js';
import { openItems } from '../../commands/figures/open-items.js';
import { loadCalendar } from '../../commands/shared/load-calendar.js';
import { whyNotNow } from './gate.js';
import { branchChat, explainSilence, newReport, queueNotices } from './notice.js';
import { transactOnView } from './on-view.js';
import type { Job } from './types.js';

const LIST_SHOWN = 30;

/** The first items of a list, then `…另有 N 项` and where to see them all. */
function capped(items: readonly Markdown[], sep: '\n' | '、', where: string): Markdown {
  if (items.length <= LIST_SHOWN) return joinMarkdown(items, sep);
  return joinMarkdown([...items.slice(0, LIST_SHOWN), markdown`…另有 ${items.length - LIST_SHOWN} 项（${where}）`], sep);
}

/**
 * 周报: on the first working day of a week, one card per bound branch chat with last week's study, problems opened
 * and closed, what is overdue, what falls due this week, and how many quota gaps (never whose) end within two weeks.
 */
export const weeklyDigest: Job = {
  name: 'weekly-digest',
  label: '每周周报',
  time: '09:00',
  runsOn: (today, cal) => cal.firstWorkingDayOfPeriod(today, 'week') === today,
  async run(now, { store }) {
    const report = newReport('weekly-digest', now);
    const cal = await store.view(loadCalendar);
    const why = whyNotNow(now, cal);
    if (why) {
      report.skipped.push(why);
      return report;
    }
    const today = toLocalDate(now);
    const thisWeek = periodRange(today, 'week');
    const lastWeek = periodRange(addDays(thisWeek.start, -1), 'week');
    return transactOnView(store, report, async (tx) => {
      const [problems, measures, tasks, people, branches, quotas] = await Promise.all([tx.listProblems(), tx.listMeasures(), tx.listTasks(), tx.listPeople(), tx.listBranches(), tx.listQuotas()]);
      const records = await tx.listStudyRecords({ from: periodRange(today, 'year').start < lastWeek.start ? periodRange(today, 'year').start : lastWeek.start, to: today });
      const names = new Map(people.map((p) => [p.id, p.name]));
      const roles = new Map(people.map((p) => [p.id, p.role]));
      const slices = await sliceByBranch({ problems, measures, tasks, records, people, branches, quotas });
      for (const branch of branches) {
        const chatId = await branchChat(tx, branch.id);
        if (!chatId) continue;
        if (!(await tx.isEnabled(branch.id, 'weekly-digest'))) {
          report.skipped.push({ reason: '支部已关闭周报', detail: branch.name });
          continue;
        }
        if (!(await tx.markSent(`digest:${branch.id}:${thisWeek.start}`, 'weekly-digest', now.toISOString()))) {
          report.skipped.push({ reason: '本周已发送过', detail: branch.name });
          continue;
        }
        const slice = slices.get(branch.id)!;
        const f = computeFigures(slice, { period: { ...lastWeek }, asOf: today, branchId: branch.id, calendar: cal });
        const s = f.study.period;
        const t = f.ledger.total;
        // Overdue working days and what falls due count as of today, as the reminder cards of the same morning do.
        const dueThisWeek = openItems(slice, { branchId: branch.id }, today)
          .filter((i) => i.deadline >= today && i.deadline <= thisWeek.end)
          .map((i) => ({ ref: i.id, title: i.title, owner: i.owners.join(','), deadline: i.deadline }))
          .sort((a, b) => a.deadline.localeCompare(b.deadline));
        // Leaders' own quotas are reminded to them alone, not counted in a branch's digest.
        const gaps = quotaGaps(slice, { asOf: today, until: addDays(today, 14), branchId: branch.id }).filter((g) => roles.get(g.personId) !== 'leader');
        const quiet = s.sessions === 0 && (t.period?.found ?? 0) === 0 && (t.period?.rectified ?? 0) === 0 && dueThisWeek.length === 0 && f.overdue.length === 0 && gaps.length === 0;

        const els: CardElement[] = [];
        if (quiet) els.push(md(markdown`上周（${lastWeek.label}）本支部没有新的学习记录和整改事项，本周也没有到期事项。`));
        else {
          const forms = Object.entries(s.byForm).map(([form, v]) => `${form} ${v!.sessions} 次`).join('、');
          els.push(md(markdown`**上周学习**（${lastWeek.label}）：${s.sessions} 次活动，共 ${s.hours} 小时，${s.participants}/${s.roster} 人参加${forms ? `；${forms}` : ''}`));
          els.push(md(markdown`**整改**：上周新增问题 ${t.period?.found ?? 0} 个、销号 ${t.period?.rectified ?? 0} 个；累计检视问题 ${t.found} 个，已整改销号 ${t.rectified} 个（${formatRate(t.rate)}），逾期问题 ${t.overdue} 个`));
          if (f.overdue.length > 0) els.push(md(markdown`**逾期事项 ${uniqueById(f.overdue).length} 项**：\n${capped(uniqueById(f.overdue).map((o) => markdown`${o.id} ${clipTitle(o.title)}（${o.owners.map((id) => names.get(id) ?? id).join('、')}，逾期 ${o.days} 个工作日）`), '\n', '/截止 本支部 逾期 查看')}`));
          const due = dueThisWeek.map((d) => markdown`${d.ref} ${clipTitle(d.title)}，${formatDate(d.deadline)}，${d.owner.split(',').map((o) => names.get(o) ?? o).join('、')}`);
          els.push(md(dueThisWeek.length ? markdown`**本周到期**：\n${capped(due, '\n', '/截止 本支部 查看')}` : markdown`**本周到期**：无`));
          // Counts only: who is behind hears it privately, and the secretary sees the names with /学习 统计 (issue 14).
          if (gaps.length > 0) els.push(md(markdown`**两周内到期的指标缺口**：${new Set(gaps.map((g) => g.personId)).size} 人 ${gaps.length} 项尚未完成${gapsByQuota(gaps)}。本人会在期末前收到私信提醒；书记可发 /学习 统计 私下查看名单`));
        }
        els.push(md(markdown`查看自己的截止事项：发送 /截止`));
        await queueNotices(tx, report, {
          key: `digest|${branch.id}|${thisWeek.start}`,
          to: { chatId },
          cards: fitCards(`${branch.name} 周报`, els, { subtitle: `${formatDate(today)} · 上周 ${lastWeek.label}`, template: 'blue', summary: `${branch.name} 周报` }),
          summary: quiet ? '无活动' : `学习 ${s.sessions} 次，逾期 ${f.overdue.length} 项`,
          now,
        });
      }
      return explainSilence(report, '没有绑定支部群');
    });
  },
};

/** `（志愿服务 每月至少1次 2 人；…）`: how many are behind on each quota, never who. */
function gapsByQuota(gaps: readonly QuotaGap[]): string {
  const n = new Map<string, number>();
  for (const g of gaps) n.set(g.quota, (n.get(g.quota) ?? 0) + 1);
  return `（${[...n].map(([q, k]) => `${q} ${k} 人`).join('；')}）`;
}

/** One line per item: a task with two assignees is one item. */
function uniqueById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((i) => [i.id, i])).values()];
}

function clipTitle(title: string): string {
  return [...title].length > 30 ? [...title].slice(0, 29).join('') + '…' : title;
}
