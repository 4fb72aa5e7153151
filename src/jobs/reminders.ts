import { formatDate, toLocalDate, type LocalDate } from '../../commands/shared/calendar.js';
import { itemButtons, type ItemKind } from '../../commands/shared/card-actions.js';
import { md } from '../../commands/shared/card.js';
import { fitCards, type Block } from '../../commands/shared/card-fit.js';
import { markdown, mention, type Markdown } from '../../commands/shared/markdown.js';
import { isOpenMeasure, isOpenProblem } from '../../commands/ledger/ledger-status.js';
import type { Tx } from '../../storage/store.js';
import { loadCalendar } from '../../commands/shared/load-calendar.js';
import { whyNotNow } from './gate.js';
import { rungFor, type Rung } from './ladder.js';
import { branchChat, leadershipChats, newReport, queueNotices } from './notice.js';
import { transactOnView } from './on-view.js';
import type { Job } from './types.js';

const TITLE_CHARS = 40;
const KIND: Record<Due['kind'], ItemKind> = { 问题: 'problem', 措施: 'measure', 督办: 'task' };

/** An item with a deadline and one owner, wherever it lives. */
interface Due {
  key: string;
  ref: string;
  kind: '问题' | '措施' | '督办';
  title: string;
  owner: string;
  deadline: LocalDate;
  branchId?: string;
  /** Where it is discussed: the task's chat; problems and measures go to their branch's chat. */
  chatId?: string;
}

/** Open problems (as lead person), measures and unreported task assignments, each with its deadline. */
export async function openItems(tx: Tx): Promise<Due[]> {
  const items: Due[] = [];
  const problems = await tx.listProblems();
  const byId = new Map(problems.map((p) => [p.id, p]));
  for (const p of problems) {
    // 待审核: the lead person has asked for close-out; reminding them would only be noise.
    if (!isOpenProblem(p) || p.status === '待审核') continue;
    items.push({ key: `${p.id}:${p.leadPerson}:${p.deadline}`, ref: p.id, kind: '问题', title: p.description, owner: p.leadPerson, deadline: p.deadline, branchId: p.branchId });
  }
  for (const m of await tx.listMeasures()) {
    const parent = byId.get(m.problemId);
    if (!isOpenMeasure(m, parent) || parent?.status === '待审核') continue;
    items.push({ key: `${m.id}:${m.owner}:${m.deadline}`, ref: m.id, kind: '措施', title: m.content, owner: m.owner, deadline: m.deadline, branchId: parent?.branchId });
  }
  for (const t of await tx.listTasks({ status: '办理中' })) {
    for (const a of t.assignees) {
      if (a.reportedAt) continue;
      items.push({ key: `${t.id}:${a.openId}:${t.deadline}`, ref: t.id, kind: '督办', title: t.content, owner: a.openId, deadline: t.deadline, branchId: t.branchId, chatId: t.chatId });
    }
  }
  return items;
}

function clipTitle(title: string): string {
  return [...title].length > TITLE_CHARS ? [...title].slice(0, TITLE_CHARS - 1).join('') + '…' : title;
}

// The owner is the only person mentioned: the mention is built from the stored open_id, never from text.
function line(d: Due, r: Rung, today: LocalDate, copy?: string): Markdown {
  const when = r.days > 0 ? `还有 ${r.days} 个工作日` : r.days === 0 ? '今天到期' : `已逾期 ${-r.days} 个工作日`;
  const cc = copy ? `（抄送支部书记 ${copy}）` : '';
  return markdown`${mention(d.owner)} **${d.ref}** ${d.kind}：${clipTitle(d.title)}\n时限 ${formatDate(d.deadline)}，${when}${cc}${d.deadline < today ? '。如需延期请用 /延期 说明理由' : ''}`;
}

/**
 * The escalation ladder, once per item and rung: the owner is @-mentioned in the branch chat (or the task's chat,
 * or privately when there is none); the branch secretary is named from the 3rd overdue working day; the leadership
 * chat hears about items 10 working days overdue. Nobody but owners is @-mentioned.
 */
export const reminders: Job = {
  name: 'reminders',
  label: '截止提醒',
  time: '09:00',
  runsOn: () => true,
  async run(now, { store }) {
    const report = newReport('reminders', now);
    const cal = await store.view(loadCalendar);
    const why = whyNotNow(now, cal);
    if (why) {
      report.skipped.push(why);
      return report;
    }
    const today = toLocalDate(now);
    return transactOnView(store, report, async (tx) => {
      const people = new Map((await tx.listPeople()).map((p) => [p.id, p]));
      const secretaries = (branchId?: string) =>
        [...people.values()].filter((p) => p.role === 'secretary' && p.branchId === branchId).map((p) => p.name).join('、');
      const groups = new Map<string, { to: { chatId: string } | { openId: string }; lines: Markdown[]; keys: string[]; items: Due[]; overdue: boolean }>();
      const escalations: Markdown[] = [];
      const escalationKeys: string[] = [];
      for (const d of await openItems(tx)) {
        const r = rungFor(d.deadline, today, cal);
        if (!r) continue;
        if (d.branchId && !(await tx.isEnabled(d.branchId, 'reminders'))) {
          report.skipped.push({ reason: '支部已关闭截止提醒', detail: d.ref });
          continue;
        }
        const key = `rem:${d.key}:${r.stage}`;
        if (!(await tx.markSent(key, 'reminders', now.toISOString()))) continue;
        const chatId = d.chatId ?? (await branchChat(tx, d.branchId));
        const dest = chatId ? `c:${chatId}` : `u:${d.owner}`;
        const g = groups.get(dest) ?? { to: chatId ? { chatId } : { openId: d.owner }, lines: [], keys: [], items: [], overdue: false };
        g.overdue ||= r.days < 0;
        g.lines.push(line(d, r, today, r.copySecretary ? secretaries(d.branchId) || undefined : undefined));
        g.keys.push(key);
        g.items.push(d);
        groups.set(dest, g);
        if (r.copyLeader && (await tx.markSent(`lead:${key}`, 'reminders', now.toISOString()))) {
          const branch = d.branchId ? (await tx.getBranch(d.branchId))?.name : undefined;
          escalations.push(markdown`**${d.ref}** ${branch ?? ''} ${d.kind}：${clipTitle(d.title)}，负责人 ${people.get(d.owner)?.name ?? d.owner}，时限 ${formatDate(d.deadline)}，已逾期 ${-r.days} 个工作日`);
          escalationKeys.push(key);
        }
      }
      for (const g of groups.values()) {
        // Each item keeps its buttons beside it; fitCards starts a new card before Feishu's size or element limit.
        const blocks: Block[] = g.lines.map((l, j) => [md(l), itemButtons(KIND[g.items[j]!.kind], g.items[j]!.ref)]);
        const cards = fitCards(`督办提醒 · ${formatDate(today)}`, blocks, { template: g.overdue ? 'red' : 'orange', summary: `${g.lines.length} 项事项临近或超过时限` });
        await queueNotices(tx, report, { key: g.keys.join('|'), to: g.to, cards, summary: `${g.lines.length} 项`, now });
      }
      if (escalations.length > 0) {
        const cards = fitCards(`逾期升级 · ${formatDate(today)}`, [md(markdown`以下事项已逾期 10 个工作日以上，请分管领导关注：`), ...escalations.map((e) => md(e))], { template: 'red' });
        for (const chatId of await leadershipChats(tx)) {
          await queueNotices(tx, report, { key: `lead|${chatId}|${escalationKeys.join('|')}`, to: { chatId }, cards, summary: `${escalations.length} 项逾期升级`, now });
        }
      }
      return report;
    });
  },
};
