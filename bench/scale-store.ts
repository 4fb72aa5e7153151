import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { addDays, toLocalDate, type LocalDate } from '../commands/shared/calendar.js';
import { openLowdbStore } from '../storage/lowdb/open.js';
import { PROBLEM_SOURCES } from '../storage/ledger.js';
import type { Role } from '../storage/records.js';
import type { Store, Tx } from '../storage/store.js';
import { FORMS } from '../storage/study.js';
import { createPrng } from '../src/sandbox/prng.js';

/** How big a bureau to build; the defaults are the issue's scale. */
export interface ScaleSpec {
  branches: number;
  members: number;
  studyRecords: number;
  problems: number;
  measuresPerProblem: number;
  tasks: number;
  leaders: number;
  /** Also leave the inbox and outbox rows a year of commands would have left (one event and one reply each, dated). */
  history: boolean;
}

/** The scale issue 8 asks for, with a year of journal rows. */
export const ISSUE_SCALE: ScaleSpec = { branches: 50, members: 2000, studyRecords: 100_000, problems: 5000, measuresPerProblem: 2, tasks: 500, leaders: 10, history: true };

/** One branch of the generated bureau: its chat and its people. */
export interface ScaleBranch {
  id: string;
  name: string;
  chatId: string;
  secretary: string;
  members: string[];
}

/** Who and what the generator made, so load generators can address real people and chats. */
export interface ScaleManifest {
  today: LocalDate;
  branches: ScaleBranch[];
  leaders: string[];
  admins: string[];
  leadershipChat: string;
  counts: Record<string, number>;
}

const BATCH = 5000;

/** A deterministic PRNG (the sandbox's mulberry32), so every run builds the same bureau. */
export function prng(seed: number): () => number {
  return createPrng(seed).next;
}

/** A stable Feishu-looking id (`ou_…`, `oc_…`) for a label. */
export function idFor(prefix: string, label: string): string {
  return `${prefix}_${createHash('sha256').update(label).digest('hex').slice(0, 32)}`;
}

/** Builds the bureau in a fresh store at `file` through the Store verbs, many inserts per transaction, and closes it. */
export async function buildScaleStore(file: string, spec: ScaleSpec = ISSUE_SCALE, now = new Date()): Promise<ScaleManifest> {
  if (existsSync(file)) throw new Error(`${file} exists: the scale store is built into a fresh file`);
  const store = await openLowdbStore(file);
  try {
    return await fill(store, spec, now);
  } finally {
    await store.close();
  }
}

async function fill(store: Store, spec: ScaleSpec, now: Date): Promise<ScaleManifest> {
  const rnd = prng(8);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const today = toLocalDate(now);
  const at = now.toISOString();
  const system = { by: 'bench', at };
  const admins = [idFor('ou', 'admin-1'), idFor('ou', 'admin-2')];
  const leaders = Array.from({ length: spec.leaders }, (_, i) => idFor('ou', `leader-${i}`));
  const leadershipChat = idFor('oc', 'leadership');
  const perBranch = Math.floor(spec.members / spec.branches);
  const branches: ScaleBranch[] = [];
  const counts: Record<string, number> = {};
  const count = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n);
  const batch = async (n: number, each: (tx: Tx, i: number) => Promise<void>) => {
    for (let from = 0; from < n; from += BATCH) {
      await store.transact(async (tx) => {
        for (let i = from; i < Math.min(n, from + BATCH); i++) await each(tx, i);
      });
    }
  };

  await store.transact(async (tx) => {
    for (let b = 0; b < spec.branches; b++) {
      const branch = await tx.createBranch(`第${b + 1}支部`, system);
      const chatId = idFor('oc', `branch-${b}`);
      await tx.bindChat({ id: chatId, kind: 'branch', branchId: branch.id }, system);
      const members = Array.from({ length: perBranch }, (_, i) => idFor('ou', `member-${b}-${i}`));
      branches.push({ id: branch.id, name: branch.name, chatId, secretary: members[0]!, members });
      for (const [i, id] of members.entries()) {
        const role: Role = i === 0 ? 'secretary' : 'member';
        await tx.savePerson({ id, name: `党员${b + 1}-${i + 1}`, nameSource: 'contact', role, branchId: branch.id }, system);
        count('people');
      }
    }
    await tx.bindChat({ id: leadershipChat, kind: 'leadership' }, system);
    for (const [i, id] of leaders.entries()) await tx.savePerson({ id, name: `局领导${i + 1}`, nameSource: 'contact', role: 'leader' }, system);
    for (const [i, id] of admins.entries()) await tx.savePerson({ id, name: `党办${i + 1}`, nameSource: 'contact', role: 'admin' }, system);
    count('people', leaders.length + admins.length);
    await tx.setQuota({ role: 'member', form: '个人自学', period: 'quarter', min: 10, unit: 'hours' }, system);
    await tx.setQuota({ role: 'member', form: '支部集体学习', period: 'month', min: 1, unit: 'count' }, system);
  });

  await batch(spec.studyRecords, async (tx, i) => {
    const branch = pick(branches);
    const person = pick(branch.members);
    const collective = rnd() < 0.1;
    const attendees = collective ? branch.members.filter((m) => m !== person && rnd() < 0.4) : [];
    // Logged as the year goes by (S-numbers rise with the date); one in five is entered a few days late.
    const date = addDays(today, -Math.floor(((spec.studyRecords - i) / spec.studyRecords) * 365) - (rnd() < 0.2 ? Math.floor(rnd() * 7) : 0));
    await tx.addStudyRecord({
      date,
      form: collective ? '支部集体学习' : pick(FORMS),
      minutes: 30 + 30 * Math.floor(rnd() * 6),
      content: `《习近平著作选读》第${(i % 40) + 1}篇 学习笔记 ${i}`,
      branchId: branch.id,
      personId: person,
      attendees,
      entered: { by: person, at: `${date}T10:00:00.000Z` },
    });
    count('studyRecords');
    if (spec.history) await history(tx, `s${i}`, branch.chatId, `已记录 S${i + 1}：${date} 学习 1小时`, `${date}T02:00:00.000Z`);
  });

  const problemIds: { id: string; branch: ScaleBranch; closed: boolean }[] = [];
  await batch(spec.problems, async (tx, i) => {
    const branch = branches[i % branches.length]!;
    const lead = pick(branch.members);
    const deadline = addDays(today, Math.floor(rnd() * 210) - 90);
    // Opened 60 days before its deadline, but never after today: journal rows dated in the future would make the
    // store's retention (aged against the newest row) archive every reply the bench's own load produces at once.
    const opened = addDays(deadline, -60) <= today ? addDays(deadline, -60) : addDays(today, -Math.floor(rnd() * 30));
    const p = await tx.openProblem(
      { branchId: branch.id, description: `检视问题 ${i}：服务群众“最后一公里”不畅`, responsibleUnit: `${branch.name}办公室`, leadPerson: lead, deadline, source: pick(PROBLEM_SOURCES), target: '群众满意度明显提升' },
      { by: branch.secretary, at: `${opened}T10:00:00.000Z` },
    );
    const r = rnd();
    const closed = r < 0.6;
    if (closed) {
      const evidence = '整改报告及佐证材料已上传';
      await tx.updateProblem(p.id, { status: '已整改销号', closed: { by: branch.secretary, at, evidence, requestedBy: lead } }, { at, by: branch.secretary, action: 'close-approve' });
    } else if (r < 0.65) {
      await tx.updateProblem(p.id, { status: '申请延期', extensionRequest: { by: lead, at, deadline: addDays(deadline, 30), reason: '需协调外部单位' } }, { at, by: lead, action: 'extend-request' });
    } else if (r < 0.7) {
      await tx.updateProblem(p.id, { status: '待审核', closeRequest: { by: lead, at, evidence: '已完成', openMeasures: [] } }, { at, by: lead, action: 'close-request' });
    }
    problemIds.push({ id: p.id, branch, closed });
    count('problems');
    if (spec.history) await history(tx, `p${i}`, branch.chatId, `已登记 ${p.id}`, p.created.at);
  });

  await batch(problemIds.length * spec.measuresPerProblem, async (tx, i) => {
    const p = problemIds[Math.floor(i / spec.measuresPerProblem)]!;
    const owner = pick(p.branch.members);
    const m = await tx.addMeasure({ problemId: p.id, content: `整改措施 ${i}：建立台账、明确责任、限期办结`, owner, deadline: addDays(today, Math.floor(rnd() * 180) - 60) }, { by: owner, at });
    if (p.closed || rnd() < 0.3) await tx.updateMeasure(m.id, { status: '已完成', done: { by: owner, at, note: '已完成' } }, { at, by: owner, action: 'measure-done' });
    count('measures');
    if (spec.history) await history(tx, `m${i}`, p.branch.chatId, `已添加措施 ${m.id}`, `${addDays(today, -Math.floor(rnd() * 365))}T03:00:00.000Z`);
  });

  await batch(spec.tasks, async (tx, i) => {
    const branch = branches[i % branches.length]!;
    await tx.addTask({ content: `督办事项 ${i}`, deadline: addDays(today, Math.floor(rnd() * 60) - 20), assigner: branch.secretary, chatId: branch.chatId, branchId: branch.id, assignees: [pick(branch.members), pick(branch.members)].filter((x, k, a) => a.indexOf(x) === k) }, { by: branch.secretary, at });
    count('tasks');
  });

  return { today, branches, leaders, admins, leadershipChat, counts };
}

/** The journal rows one handled command leaves behind: its inbound event and its sent reply. */
async function history(tx: Tx, key: string, chatId: string, text: string, at: string): Promise<void> {
  const eventId = createHash('md5').update(key).digest('hex');
  const messageId = `om_${eventId}`;
  await tx.recordInbound({ id: eventId, messageId, kind: 'message', receivedAt: at });
  await tx.completeInbound(eventId, at);
  await tx.enqueue({ id: `${eventId}-0`, to: { kind: 'reply', messageId, chatId }, content: { type: 'text', text }, createdAt: at, source: eventId });
  await tx.updateOutbound(`${eventId}-0`, { status: 'sent', attempts: 1, sentAt: at, feishuMessageId: `om_r${eventId.slice(1)}` });
}
