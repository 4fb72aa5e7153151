import { formatDate, toLocalDate, type LocalDate } from '../../commands/shared/calendar.js';
import { itemButtons, type ItemKind } from '../../commands/shared/card-actions.js';
import { md } from '../../commands/shared/card.js';
import { fitCards, type Block } from '../../commands/shared/card-fit.js';
import { joinMarkdown, markdown, mention, type Markdown } from '../../commands/shared/markdown.js';
import { leadersLinkedTo } from '../../commands/org/link-leaders.js';
import { awayOn } from '../../storage/leave.js';
import { openItems as openItemsOf, overdueWorkingDays, type OpenItem } from '../../commands/figures/open-items.js';
import type { Tx } from '../../storage/store.js';
import { loadCalendar } from '../../commands/shared/load-calendar.js';
import type { Calendar } from '../../commands/shared/working-calendar.js';
import { whyNotNow } from './gate.js';
import { rungFor, type Rung } from './ladder.js';
import { remindersInChat } from './chat-rhythm.js';
import { branchChat, explainSilence, leadershipChats, newReport, queueNotices } from './notice.js';
import { transactOnView } from './on-view.js';
import type { Job } from './types.js';

const TITLE_CHARS = 40;
const KIND: Record<Due['kind'], ItemKind> = { 问题: 'problem', 措施: 'measure', 督办: 'task' };
const KIND_WORD: Record<OpenItem['kind'], Due['kind']> = { problem: '问题', measure: '措施', task: '督办' };

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

/** Open problems (as lead person), measures and unreported task assignments, each with its deadline: the same open items as /截止 and /进度. */
export async function openItems(tx: Tx, today: LocalDate): Promise<Due[]> {
  const [problems, measures, tasks, people] = await Promise.all([tx.listProblems(), tx.listMeasures(), tx.listTasks({ status: '办理中' }), tx.listPeople()]);
  const chatOf = new Map(tasks.map((t) => [t.id, t.chatId]));
  // 待审核: the lead person has asked for close-out; reminding them would only be noise.
  return openItemsOf({ problems, measures, tasks, people }, {}, today)
    .filter((i) => !i.awaitingReview)
    .flatMap((i) => i.owners.map((owner) => ({ key: `${i.id}:${owner}:${i.deadline}`, ref: i.id, kind: KIND_WORD[i.kind], title: i.title, owner, deadline: i.deadline, branchId: i.branchId, chatId: chatOf.get(i.id) })));
}

function clipTitle(title: string): string {
  return [...title].length > TITLE_CHARS ? [...title].slice(0, TITLE_CHARS - 1).join('') + '…' : title;
}

// The owner is the only person mentioned: the mention is built from the stored open_id, never from text.
function line(d: Due, r: Rung, today: LocalDate, cal: Calendar, copy?: string): Markdown {
  const when = r.days > 0 ? `还有 ${r.days} 个工作日` : r.days === 0 ? '今天到期' : `已逾期 ${overdueWorkingDays(d.deadline, today, cal)} 个工作日`;
  const cc = copy ? `（抄送支部书记 ${copy}）` : '';
  return markdown`${mention(d.owner)} **${d.ref}** ${d.kind}：${clipTitle(d.title)}\n时限 ${formatDate(d.deadline)}，${when}${cc}${d.deadline < today ? extensionHint(d) : ''}`;
}

// /延期 takes a problem or a task; a measure's deadline moves with its problem's, asked for by the lead person.
function extensionHint(d: Due): string {
  if (d.kind === '问题') return '。如需延期请用 /延期 说明理由';
  if (d.kind === '措施') return `。如需延期请由牵头负责人用 /延期 ${d.ref.split('-')[0]} 说明理由`;
  return `。如需延期请用 /延期 ${d.ref} 说明理由，由交办人审核`;
}

/**
 * The escalation ladder, once per item and rung: the owner is @-mentioned in the branch chat (or the task's chat,
 * or privately when there is none); the branch secretary is named from the 3rd overdue working day; the leadership
 * chat hears about items 10 working days overdue, @-mentioning the leaders linked to the item's branch (联系支部).
 * Nobody else is @-mentioned, and an owner on leave (请假) hears nothing that day.
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
      let already = 0;
      const people = new Map((await tx.listPeople()).map((p) => [p.id, p]));
      const away = awayOn(await tx.listLeaves({ from: today, to: today }), today);
      const secretariesOf = (branchId?: string) => [...people.values()].filter((p) => p.role === 'secretary' && p.branchId === branchId);
      const secretaries = (branchId?: string) => secretariesOf(branchId).map((p) => p.name).join('、');
      const inChat = new Map<string, boolean>();
      const groups = new Map<string, { to: { chatId: string } | { openId: string }; lines: Markdown[]; keys: string[]; items: Due[]; overdue: boolean }>();
      const escalations: Markdown[] = [];
      const escalationKeys: string[] = [];
      for (const d of await openItems(tx, today)) {
        const r = rungFor(d.deadline, today, cal);
        if (!r) continue;
        if (d.branchId && !(await tx.isEnabled(d.branchId, 'reminders'))) {
          report.skipped.push({ reason: '支部已关闭截止提醒', detail: d.ref });
          continue;
        }
        if (away.has(d.owner)) {
          report.skipped.push({ reason: '负责人请假中', detail: d.ref });
          continue;
        }
        const key = `rem:${d.key}:${r.stage}`;
        if (!(await tx.markSent(key, 'reminders', now.toISOString()))) {
          already += 1;
          continue;
        }
        let chatId = d.chatId ?? (await branchChat(tx, d.branchId));
        if (chatId && !inChat.has(chatId)) {
          const rhythm = await remindersInChat(tx, chatId, today, cal);
          inChat.set(chatId, rhythm.inChat);
          if (!rhythm.inChat) report.skipped.push({ reason: rhythm.reason, detail: chatId });
        }
        if (chatId && !inChat.get(chatId)) chatId = undefined;
        const copy = r.copySecretary ? secretaries(d.branchId) || undefined : undefined;
        const add = (to: { chatId: string } | { openId: string }) => {
          const dest = 'chatId' in to ? `c:${to.chatId}` : `u:${to.openId}`;
          const g = groups.get(dest) ?? { to, lines: [], keys: [], items: [], overdue: false };
          g.overdue ||= r.days < 0;
          g.lines.push(line(d, r, today, cal, copy));
          g.keys.push(key);
          g.items.push(d);
          groups.set(dest, g);
        };
        add(chatId ? { chatId } : { openId: d.owner });
        // Told privately instead of in the group, the secretary's copy goes to them privately too.
        if (!chatId && copy) for (const s of secretariesOf(d.branchId)) if (s.id !== d.owner) add({ openId: s.id });
        if (r.copyLeader && (await tx.markSent(`lead:${key}`, 'reminders', now.toISOString()))) {
          const branch = d.branchId ? (await tx.getBranch(d.branchId))?.name : undefined;
          const linked = leadersLinkedTo(people.values(), d.branchId).map((l) => mention(l.id));
          const to = linked.length ? markdown`，联系领导 ${joinMarkdown(linked, ' ')}` : markdown``;
          escalations.push(markdown`**${d.ref}** ${branch ?? ''} ${d.kind}：${clipTitle(d.title)}，负责人 ${people.get(d.owner)?.name ?? d.owner}，时限 ${formatDate(d.deadline)}，已逾期 ${overdueWorkingDays(d.deadline, today, cal)} 个工作日${to}`);
          escalationKeys.push(key);
        }
      }
      for (const [dest, g] of groups) {
        // Each item keeps its buttons beside it; fitCards starts a new card before Feishu's size or element limit.
        const blocks: Block[] = g.lines.map((l, j) => [md(l), itemButtons(KIND[g.items[j]!.kind], g.items[j]!.ref)]);
        const cards = fitCards(`督办提醒 · ${formatDate(today)}`, blocks, { template: g.overdue ? 'red' : 'orange', summary: `${g.lines.length} 项事项临近或超过时限` });
        await queueNotices(tx, report, { key: `${dest}|${g.keys.join('|')}`, to: g.to, cards, summary: `${g.lines.length} 项`, now });
      }
      if (escalations.length > 0) {
        const cards = fitCards(`逾期升级 · ${formatDate(today)}`, [md(markdown`以下事项已逾期 10 个工作日以上，请分管领导关注：`), ...escalations.map((e) => md(e))], { template: 'red' });
        for (const chatId of await leadershipChats(tx)) {
          await queueNotices(tx, report, { key: `lead|${chatId}|${escalationKeys.join('|')}`, to: { chatId }, cards, summary: `${escalations.length} 项逾期升级`, now });
        }
      }
      return explainSilence(report, already ? '今天已发送过' : '没有到期或逾期事项');
    });
  },
};
