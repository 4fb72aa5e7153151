import type { Evidence } from '../../storage/ledger.js';
import { mayManage } from './ledger-common.js';
import { isOpenMeasure, isOpenProblem } from './ledger-status.js';
import { mayManageTask } from './task-common.js';
import { UserError, type CommandContext } from '../types.js';

/** An open item a person may file evidence under. */
export interface EvidenceItem {
  ref: string;
  title: string;
}

/**
 * The item `ref` names, if the sender may add evidence to it: a problem's lead person, measure owners, the branch
 * secretary or an admin; a measure's owner; a task's assignees, assigner, secretary or an admin. Closed items refuse.
 */
export async function mayAttach(ctx: CommandContext, ref: string): Promise<EvidenceItem> {
  if (ref.startsWith('T')) {
    const t = await ctx.store.getTask(ref);
    if (!t) throw new UserError(`没有督办事项 ${ref}。`, { showUsage: false });
    if (t.status !== '办理中') throw new UserError(`${t.id} ${t.status}，不能再添加佐证材料。`, { showUsage: false });
    if (!mayManageTask(ctx, t) && !t.assignees.some((a) => a.openId === ctx.sender.id)) throw new UserError(`只有 ${t.id} 的负责人、交办人、书记或管理员可以添加佐证材料。`, { showUsage: false });
    return { ref: t.id, title: t.content };
  }
  const problemId = ref.split('-')[0]!;
  const p = await ctx.store.getProblem(problemId);
  if (!p) throw new UserError(`没有问题 ${problemId}。`, { showUsage: false });
  if (!isOpenProblem(p)) throw new UserError(`${p.id} 已${p.voided ? '作废' : '整改销号'}，不能再添加佐证材料。`, { showUsage: false });
  const measures = await ctx.store.listMeasures({ problemId });
  if (ref === problemId) {
    if (!mayManage(ctx, p) && !measures.some((m) => m.owner === ctx.sender.id)) throw new UserError(`只有 ${p.id} 的牵头负责人、措施负责人、书记或管理员可以添加佐证材料。`, { showUsage: false });
    return { ref: p.id, title: p.description };
  }
  const m = measures.find((x) => x.id === ref);
  if (!m) throw new UserError(`没有措施 ${ref}。`, { showUsage: false });
  if (!mayManage(ctx, p) && m.owner !== ctx.sender.id) throw new UserError(`只有 ${m.id} 的负责人、${p.id} 的牵头负责人、书记或管理员可以添加佐证材料。`, { showUsage: false });
  return { ref: m.id, title: m.content };
}

/** The sender's open items, for the buttons under a file: problems they lead, measures they own, tasks they still owe. */
export async function openItemsOf(ctx: CommandContext): Promise<EvidenceItem[]> {
  const me = ctx.sender.id;
  const problems = (await ctx.store.listProblems({ leadPerson: me })).filter(isOpenProblem).map((p) => ({ ref: p.id, title: p.description }));
  const measures: EvidenceItem[] = [];
  for (const m of await ctx.store.listMeasures({ owner: me })) {
    if (isOpenMeasure(m, await ctx.store.getProblem(m.problemId))) measures.push({ ref: m.id, title: m.content });
  }
  const tasks = (await ctx.store.listTasks({ assignee: me, status: '办理中' })).filter((t) => t.assignees.some((a) => a.openId === me && !a.acceptedAt)).map((t) => ({ ref: t.id, title: t.content }));
  return [...problems, ...measures, ...tasks];
}

/** The evidence filed under any of `refs` (a problem and its measures), in number order. */
export async function evidenceOf(ctx: Pick<CommandContext, 'store'>, refs: readonly string[]): Promise<Evidence[]> {
  const all = (await Promise.all(refs.map((ref) => ctx.store.listEvidence({ ref })))).flat();
  return all.sort((a, b) => a.number - b.number);
}

/** `佐证材料（2 份）：E1 现场照片.png、E2 验收报告.pdf` for an item's evidence, or nothing when it has none. */
export function evidenceLine(files: readonly Evidence[]): string[] {
  return files.length === 0 ? [] : [`佐证材料（${files.length} 份）：${files.map((f) => `${f.id} ${f.fileName}`).join('、')}`];
}
