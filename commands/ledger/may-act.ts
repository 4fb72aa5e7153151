import type { FormName } from '../shared/card-actions.js';
import type { Person, Role } from '../../storage/records.js';
import type { Tx } from '../../storage/store.js';
import { isOpenProblem } from './ledger-status.js';
import { mayManage, mayReview } from './ledger-common.js';
import { mayManageTask } from './task-common.js';

/** Who pressed, as the router knows them before running anything. */
export interface Presser {
  sender: Person;
  role: Role;
  store: Tx;
}

/**
 * Why the presser may not use the form `form` on `ref`, or undefined when they may: the same rules as the command
 * the form submits, checked at the first press so nobody fills in a form only to be refused.
 */
export async function formRefusal(who: Presser, form: FormName, ref: string): Promise<string | undefined> {
  const name = async (id: string) => (await who.store.getPerson(id))?.name ?? `用户${id.slice(-4)}`;
  if (ref.startsWith('T')) {
    const t = await who.store.getTask(ref);
    if (!t) return `没有督办事项 ${ref}。`;
    if (t.cancelled) return `${t.id} 已取消督办。`;
    if (t.status === '已办结') return `${t.id} 已办结。`;
    if (form === 'reject') {
      if (!t.extensionRequest?.pending) return `${t.id} 没有等待审核的延期申请。`;
      if (!mayManageTask(who, t) && who.role !== 'leader') return `只有 ${t.id} 的交办人、书记、领导或管理员可以审核延期。`;
      return who.sender.id === t.extensionRequest.by ? `你是 ${t.id} 的延期申请人，不能审核自己的申请。` : undefined;
    }
    if (form === 'extend' && mayManageTask(who, t)) return undefined;
    if (!t.assignees.some((a) => a.openId === who.sender.id)) return `只有 ${t.id} 的负责人（${(await Promise.all(t.assignees.map((a) => name(a.openId)))).join('、')}）可以${form === 'extend' ? '申请延期' : '报告办理结果'}。`;
    return undefined;
  }
  const problemId = ref.split('-')[0]!;
  const p = await who.store.getProblem(problemId);
  if (!p) return `没有问题 ${problemId}。`;
  if (!isOpenProblem(p)) return `${p.id} 已${p.voided ? '作废' : '整改销号'}，不能再操作。`;
  const branch = (await who.store.getBranch(p.branchId))?.name ?? p.branchId;
  if (form === 'reject') {
    const request = p.status === '待审核' ? p.closeRequest : p.status === '申请延期' ? p.extensionRequest : undefined;
    if (!request) return `${p.id} 当前状态为${p.status}，没有等待审核的申请。`;
    if (!mayReview(who, p.branchId)) return `只有「${branch}」书记、领导或管理员可以审核 ${p.id}。`;
    if (who.sender.id === request.by || who.sender.id === p.leadPerson) return `你是 ${p.id} 的申请人或牵头负责人，不能审核自己的申请。`;
    return undefined;
  }
  if (mayManage(who, p)) return undefined;
  if (ref === problemId) {
    if (form === 'progress' && (await who.store.listMeasures({ problemId })).some((m) => m.owner === who.sender.id)) return undefined;
    return `只有 ${p.id} 的牵头负责人（${await name(p.leadPerson)}）、「${branch}」书记或管理员可以${form === 'extend' ? '申请延期' : '报告进展'}。`;
  }
  const m = await who.store.getMeasure(ref);
  if (!m) return `没有措施 ${ref}。`;
  if (m.status !== '整改中') return `${m.id} ${m.status}。`;
  if (form !== 'extend' && m.owner === who.sender.id) return undefined;
  return `只有 ${m.id} 的负责人（${await name(m.owner)}）、${p.id} 的牵头负责人（${await name(p.leadPerson)}）、「${branch}」书记或管理员可以${form === 'extend' ? '申请延期' : '报告'}。`;
}
