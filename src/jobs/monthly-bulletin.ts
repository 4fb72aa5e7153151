import { bureauFigures, type BureauFigures } from '../../commands/figures/bureau-figures.js';
import { addDays, formatDate, periodRange, toLocalDate } from '../../commands/shared/calendar.js';
import { md, type CardElement } from '../../commands/shared/card.js';
import { fitCards } from '../../commands/shared/card-fit.js';
import { joinMarkdown, markdown, type Markdown } from '../../commands/shared/markdown.js';
import { formatRate } from '../../commands/figures/ledger-figures.js';
import { headline, sourceLine, studyLine } from '../../commands/reports/summary-card.js';
import { missingMeetings } from '../../commands/org/meetings/org-life-gaps.js';
import { slotList } from '../../commands/org/meetings/org-life-status.js';
import type { Tx } from '../../storage/store.js';
import { loadCalendar } from '../../commands/shared/load-calendar.js';
import { whyNotNow } from './gate.js';
import { leadershipChats, newReport, queueNotices } from './notice.js';
import { transactOnView } from './on-view.js';
import type { Job } from './types.js';

const GAPS_PER_BRANCH = 5;
const OVERDUE_SHOWN = 20;

/** The first `n` items joined, and how many there are in all when some are left out. */
function capped(items: readonly Markdown[], n: number, sep: '；' | '、'): Markdown {
  return items.length <= n ? joinMarkdown(items, sep) : markdown`${joinMarkdown(items.slice(0, n), sep)}${sep}…共 ${items.length} 项`;
}

/** The figures for a month, frozen the first time they are published. */
export async function frozenMonth(tx: Tx, month: { start: string; end: string; label: string }, now: Date): Promise<{ figures: BureauFigures; fresh: boolean }> {
  const id = month.start.slice(0, 7);
  const stored = await tx.getBulletin(id);
  if (stored) return { figures: stored.figures as BureauFigures, fresh: false };
  const figures = await bureauFigures(tx, { period: month, asOf: month.end });
  await tx.saveBulletin({ id, period: month.label, publishedAt: now.toISOString(), figures });
  return { figures, fresh: true };
}

/** What changed in a published month since it was published: shown next month, never edited into the old one. */
async function corrections(tx: Tx, month: { start: string; end: string; label: string }): Promise<Markdown | undefined> {
  const stored = await tx.getBulletin(month.start.slice(0, 7));
  if (!stored) return undefined;
  const before = (stored.figures as BureauFigures).ledger.total;
  const fresh = await bureauFigures(tx, { period: month, asOf: month.end });
  const now = fresh.ledger.total;
  const diffs = (
    [
      ['检视问题', before.found, now.found],
      ['已整改销号', before.rectified, now.rectified],
      ['整改措施', before.measures, now.measures],
      ['逾期问题', before.overdue, now.overdue],
      ['学习活动', (stored.figures as BureauFigures).study.period.sessions, fresh.study.period.sessions],
      ['学习时长（小时）', (stored.figures as BureauFigures).study.period.hours, fresh.study.period.hours],
    ] as const
  ).filter(([, a, b]) => a !== b);
  if (diffs.length === 0) return undefined;
  return markdown`**${month.label}数据更正**（通报发布后补录或更正）：${diffs.map(([k, a, b]) => `${k} ${a} → ${b}`).join('，')}`;
}

/**
 * 月通报: on the first working day of a month, the past month's figures into the leadership chat: the headline
 * counts, study, quota completion by branch and a gap list per branch (not a ranking). Figures are frozen when
 * first published, so a re-run shows the same numbers; later corrections appear next month.
 */
export const monthlyBulletin: Job = {
  name: 'monthly-bulletin',
  label: '月度通报',
  time: '09:30',
  runsOn: (today, cal) => cal.firstWorkingDayOfPeriod(today, 'month') === today,
  async run(now, { store }) {
    const report = newReport('monthly-bulletin', now);
    const cal = await store.view(loadCalendar);
    const why = whyNotNow(now, cal);
    if (why) {
      report.skipped.push(why);
      return report;
    }
    const today = toLocalDate(now);
    const month = periodRange(addDays(periodRange(today, 'month').start, -1), 'month');
    const previous = periodRange(addDays(month.start, -1), 'month');
    return transactOnView(store, report, async (tx) => {
      const chats = await leadershipChats(tx);
      if (chats.length === 0) {
        report.skipped.push({ reason: '还没有绑定领导班子群（/绑定 领导班子）' });
        return report;
      }
      const { figures: f } = await frozenMonth(tx, month, now);
      const fix = await corrections(tx, previous);
      const people = new Map((await tx.listPeople()).map((p) => [p.id, p.name]));
      const t = f.ledger.total;
      const els: CardElement[] = [
        md(markdown`**${headline(f)}**\n${sourceLine(f)}\n${month.label}新增问题 ${t.period?.found ?? 0} 个，销号 ${t.period?.rectified ?? 0} 个；新增措施 ${t.period?.measures ?? 0} 项，完成 ${t.period?.measuresDone ?? 0} 项。`),
        md(markdown`${studyLine(month.label, f.study.period)}\n${studyLine(`${month.end.slice(0, 4)}年累计`, f.study.year)}`),
      ];
      const rows = f.branches.map((b) => {
        const l = f.ledger.byBranch[b.id];
        const q = f.quotaByBranch[b.id];
        return {
          branch: b.name,
          ledger: l ? `${l.rectified}/${l.found}（${formatRate(l.rate)}）` : '0/0',
          overdue: String(l?.overdue ?? 0),
          quota: q && q.total > 0 ? `${q.met}/${q.total}` : '—',
          study: String(f.studyByBranch[b.id]?.sessions ?? 0),
        };
      });
      if (rows.length > 0) {
        els.push({
          tag: 'table',
          page_size: Math.min(10, rows.length),
          columns: [
            { name: 'branch', display_name: '支部', data_type: 'text' },
            { name: 'ledger', display_name: '销号/问题', data_type: 'text' },
            { name: 'overdue', display_name: '逾期', data_type: 'text', width: '56px' },
            { name: 'quota', display_name: '指标完成', data_type: 'text' },
            { name: 'study', display_name: '学习次数', data_type: 'text', width: '72px' },
          ],
          rows,
        });
      }
      const gapsByBranch = new Map<string, Markdown[]>();
      for (const g of f.gaps) {
        // Bulletins frozen before gaps carried their group fall back to the branch, else 未归属支部.
        const name = g.group ?? f.branches.find((b) => b.id === g.branchId)?.name ?? '未归属支部';
        const list = gapsByBranch.get(name) ?? [];
        list.push(markdown`${people.get(g.personId) ?? g.personId} ${g.quota}（${g.progress}）`);
        gapsByBranch.set(name, list);
      }
      // The gap list names the first few per branch and says how many there are; fitCards splits a long list.
      const gapLines = [...gapsByBranch].map(([b, list]) => markdown`${b}：${capped(list, GAPS_PER_BRANCH, '；')}`);
      els.push(md(gapsByBranch.size ? markdown`**缺口清单**（完整名单：/进度 支部名，或 /导出 学习台账）\n${joinMarkdown(gapLines, '\n')}` : markdown`**缺口清单**：本月到期的指标均已完成。`));
      // Meetings whose period ended this month without one: named by branch, never ranked.
      const meetings = (await missingMeetings(tx, month, today)).map((m) => markdown`${m.name}：${slotList(m.slots)}`);
      els.push(md(meetings.length ? markdown`**组织生活缺口**（详情：/组织生活 全局 ${month.label.replace(/^\d+年/, '')}）\n${joinMarkdown(meetings, '\n')}` : markdown`**组织生活缺口**：${month.label}到期的会议均已召开。`));
      if (f.overdue.length > 0) els.push(md(markdown`**逾期事项**（全部：/截止 全部 逾期）：${capped(f.overdue.map((o) => markdown`${o.id}（${people.get(o.owner) ?? o.owner}，逾期 ${o.days} 个工作日）`), OVERDUE_SHOWN, '、')}`));
      if (fix) els.push(md(fix));
      // A bureau of any size gets the whole table and gap list: more branches mean more cards, never a refused one.
      const cards = fitCards(`${month.label}党建督办通报`, els, { subtitle: `发布于 ${formatDate(today)}，数据截至 ${formatDate(month.end)}`, template: 'red', summary: headline(f) });
      for (const chatId of chats) {
        if (!(await tx.markSent(`bulletin:${month.start}:${chatId}`, 'monthly-bulletin', now.toISOString()))) {
          report.skipped.push({ reason: `${month.label}通报已发布过`, detail: chatId });
          continue;
        }
        await queueNotices(tx, report, { key: `bulletin|${month.start}|${chatId}`, to: { chatId }, cards, summary: headline(f), now, expires: false });
      }
      return report;
    });
  },
};
