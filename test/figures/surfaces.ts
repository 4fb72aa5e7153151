import { COMMANDS } from '../../commands/index.js';
import { loadCalendar } from '../../commands/shared/load-calendar.js';
import type { Command, CommandContext, Reply } from '../../commands/types.js';
import type { Person, Role } from '../../storage/records.js';
import type { Store } from '../../storage/store.js';

/** A command's rendered answer as text: a text reply as is, a card as its JSON. */
export function rendered(r: Reply): string {
  if (typeof r === 'string') return r;
  return r.type === 'card' ? JSON.stringify(r.card) : r.fileName;
}

const byName = (name: string): Command => COMMANDS.find((c) => c.name === name)!;

/** Runs a chat command on a read view as the router would for a report, and returns what it rendered. */
export async function ask(store: Store, now: Date, sender: Person, role: Role, name: string, args: string): Promise<string> {
  const out: string[] = [];
  await store.view(async (tx) => {
    const ctx: CommandContext = {
      now,
      invokedAs: name,
      args,
      mentions: [],
      sender,
      role,
      chat: { id: `p2p_${sender.id}`, type: 'p2p' },
      store: tx,
      calendar: await loadCalendar(tx),
      commands: COMMANDS,
      reply: (r) => void out.push(rendered(r)),
      warn: () => {},
      notify: (_to, r) => void out.push(rendered(r)),
    };
    await byName(name).run(ctx);
  });
  return out.join('\n');
}

/** The ledger headline any surface prints. */
export interface Headline {
  found: number;
  rectified: number;
  rate: string;
  measures: number;
  overdueProblems: number;
}

/** Reads `检视问题 71 个，已整改销号 69 个（97.2%），制定整改措施 128 项，逾期问题 2 个`. */
export function parseHeadline(text: string): Headline {
  const m = /检视问题 (\d+) 个，已整改销号 (\d+) 个（([\d.]+%)），制定整改措施 (\d+) 项，逾期问题 (\d+) 个/.exec(text);
  if (!m) throw new Error(`no headline in ${text.slice(0, 400)}`);
  return { found: +m[1]!, rectified: +m[2]!, rate: m[3]!, measures: +m[4]!, overdueProblems: +m[5]! };
}

/** Study figures as printed; `participations` and turnout are absent on a person's own line. */
export interface StudyLine {
  sessions: number;
  hours: number;
  participations?: number;
  participants?: number;
  roster?: number;
}

/** Reads `学习活动次数 5 次，学时 11 小时[，参与人次 15 人次][，参与率 12/15 人（…）]` after `label：` (or anywhere). */
export function parseStudyLine(text: string, label = ''): StudyLine {
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${esc}${label ? '：' : ''}学习活动次数 (\\d+) 次，学时 ([\\d.]+) 小时(?:，参与人次 (\\d+) 人次)?(?:，参与率 (\\d+)/(\\d+) 人)?`).exec(text);
  if (!m) throw new Error(`no study line ${label} in ${text.slice(0, 600)}`);
  return { sessions: +m[1]!, hours: +m[2]!, ...(m[3] ? { participations: +m[3] } : {}), ...(m[4] ? { participants: +m[4], roster: +m[5]! } : {}) };
}

/** Reads `逾期事项 4 项（问题 2 个、措施 1 项、督办 1 项）`, or none when the card says 没有逾期事项. */
export function parseOverdueTitle(text: string): { items: number; problem: number; measure: number; task: number } {
  if (text.includes('没有逾期事项')) return { items: 0, problem: 0, measure: 0, task: 0 };
  const m = /逾期事项 (\d+) 项（问题 (\d+) 个、措施 (\d+) 项、督办 (\d+) 项）/.exec(text);
  if (!m) throw new Error(`no overdue title in ${text.slice(0, 400)}`);
  return { items: +m[1]!, problem: +m[2]!, measure: +m[3]!, task: +m[4]! };
}

/** The overdue lines of /截止: item id → overdue working days, with the kind word. */
export function parseDueOverdue(text: string): Map<string, { kind: string; days: number }> {
  const out = new Map<string, { kind: string; days: number }>();
  for (const m of text.matchAll(/· (问题|措施|事项) (\S+)【[^\n]*?已逾期 (\d+) 个工作日/g)) out.set(m[2]!, { kind: m[1]!, days: +m[3]! });
  return out;
}

/** `/我的`'s line for a period: `本月（2026年11月）：3 次，5.5 小时：…` or `暂无记录`. */
export function parseMine(text: string, word: string): { sessions: number; hours: number } {
  const line = text.split('\n').find((l) => l.startsWith(`${word}（`));
  if (!line) throw new Error(`no ${word} line in ${text}`);
  if (line.endsWith('暂无记录')) return { sessions: 0, hours: 0 };
  const m = /：(\d+) 次(?:，([\d.]+) 小时)?：/.exec(line);
  if (!m) throw new Error(`unreadable ${line}`);
  return { sessions: +m[1]!, hours: m[2] ? +m[2] : 0 };
}
