import type { Role } from '../../storage/records.js';
import type { Tx } from '../../storage/store.js';
import { bureauFigures, type ReportPeriod } from '../../commands/figures/bureau-figures.js';
import { groupOf } from '../../commands/figures/scope.js';
import { turnout } from '../../commands/figures/study-figures.js';
import { p2pChatOf } from './open-platform.js';

/** A person as the page lists them. */
export interface PagePerson {
  id: string;
  name: string;
  role: Role;
  branch: string;
  branchId?: string;
  /** Where figures list the person: the branch, 领导班子 or 未归属支部 (an admin without a branch is no leader). */
  group: string;
}

/** A chat as the page lists it, with who may speak in it. */
export interface PageChat {
  id: string;
  name: string;
  kind: 'branch' | 'leadership' | 'p2p';
  /** Who is in the chat; everyone may watch it on the page. */
  members: string[];
  personId?: string;
}

const ROLE_ORDER: Record<Role, number> = { admin: 0, leader: 1, secretary: 2, member: 3 };

/**
 * The bureau as the store has it: every person with role and branch (leaders and the office first, then each
 * branch, secretary first), every bound chat named after its branch, and each person's private chat with the bot.
 * Branch chats hold the branch, the leaders and the admins; the leadership chat holds leaders and admins.
 */
export async function readBureau(tx: Tx): Promise<{ people: PagePerson[]; chats: PageChat[] }> {
  const [stored, branches, bindings] = await Promise.all([tx.listPeople(), tx.listBranches(), tx.listChats()]);
  const branchName = new Map(branches.map((b) => [b.id, b.name]));
  const branchOrder = new Map(branches.map((b, i) => [b.id, i]));
  const people: PagePerson[] = stored
    .map((p) => ({ id: p.id, name: p.name, role: p.role, branch: p.branchId ? (branchName.get(p.branchId) ?? '') : '', ...(p.branchId ? { branchId: p.branchId } : {}), group: groupOf(p, (id) => branchName.get(id)) }))
    .sort((a, b) => {
      const ga = a.role === 'admin' || a.role === 'leader' ? -1 : (branchOrder.get(a.branchId ?? '') ?? 999);
      const gb = b.role === 'admin' || b.role === 'leader' ? -1 : (branchOrder.get(b.branchId ?? '') ?? 999);
      return ga - gb || ROLE_ORDER[a.role] - ROLE_ORDER[b.role];
    });
  const observers = people.filter((p) => p.role === 'admin' || p.role === 'leader').map((p) => p.id);
  const groups: PageChat[] = bindings
    .map((c): PageChat =>
      c.kind === 'leadership'
        ? { id: c.id, name: '领导班子群', kind: 'leadership', members: observers }
        : { id: c.id, name: `${branchName.get(c.branchId ?? '') ?? '未知支部'}群`, kind: 'branch', members: [...observers, ...people.filter((p) => p.branchId && p.branchId === c.branchId && !observers.includes(p.id)).map((p) => p.id)] },
    )
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'leadership' ? 1 : -1));
  const p2p = people.map((p): PageChat => ({ id: p2pChatOf(p.id), name: `与督办私聊（${p.name}）`, kind: 'p2p', members: [p.id], personId: p.id }));
  return { people, chats: [...groups, ...p2p] };
}

/** One row of the sandbox's figures panel: a branch (or the bureau) with the figures /进度 prints for it. */
export interface PageFigures {
  id: string;
  name: string;
  short: string;
  found: number;
  rectified: number;
  rate: number;
  overdueProblems: number;
  overdueItems: number;
  sessions: number;
  hours: number;
  participations: number;
  turnout: number;
}

/** The bureau's and each branch's figures for a period, from the same computation as /进度 (run it on `store.view`). */
export async function readBureauFigures(tx: Tx, opts: { period: ReportPeriod; asOf: string }): Promise<{ bureau: PageFigures; branches: PageFigures[] }> {
  const whole = await bureauFigures(tx, opts);
  const row = (id: string, name: string, short: string, f: typeof whole): PageFigures => {
    const t = f.ledger.total;
    const s = f.study.period;
    return { id, name, short, found: t.found, rectified: t.rectified, rate: t.rate, overdueProblems: t.overdue, overdueItems: f.overdue.length, sessions: s.sessions, hours: s.hours, participations: s.participations, turnout: turnout(s) };
  };
  const branches: PageFigures[] = [];
  for (const b of whole.branches) branches.push(row(b.id, b.name, b.short, await bureauFigures(tx, { ...opts, branchId: b.id })));
  return { bureau: row('', '全局', '全局', whole), branches };
}
