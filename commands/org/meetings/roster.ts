import { onLeave } from '../../../storage/leave.js';
import type { Person } from '../../../storage/records.js';
import type { Tx } from '../../../storage/store.js';

/** 应到 of a branch meeting: everyone whose branch it is, leaders whose home branch it is (双重组织生活) included. */
export async function branchRoster(tx: Pick<Tx, 'listPeople'>, branchId: string): Promise<Person[]> {
  return tx.listPeople({ branchId });
}

/** 应到 of a leadership meeting (中心组学习, 民主生活会): the bureau's leaders. */
export async function leadershipRoster(tx: Pick<Tx, 'listPeople'>): Promise<Person[]> {
  return tx.listPeople({ role: 'leader' });
}

/** Who of `ids` the leave register has away on `date`, with the reason they gave. */
export async function awayAmong(tx: Pick<Tx, 'listLeaves'>, ids: readonly string[], date: string): Promise<Map<string, string | undefined>> {
  const away = new Map<string, string | undefined>();
  for (const id of ids) {
    const l = await onLeave(tx, id, date);
    if (l) away.set(id, l.reason);
  }
  return away;
}

/** Why people outside a branch cannot be recorded at its activity; a leader with no home branch is told how to get one (双重组织生活). */
export function notOnRoster(outside: readonly Pick<Person, 'name' | 'role' | 'branchId'>[], branchName: string): string {
  const names = [...new Set(outside.map((p) => p.name))].join('、');
  const homeless = outside.find((p) => p.role === 'leader' && !p.branchId);
  if (homeless) return `${names} 不是「${branchName}」的成员，不能计入本次活动；局领导以所在支部参加组织生活，请管理员先 /任命 @${homeless.name} 领导 ${branchName}。`;
  return `${names} 不是「${branchName}」的成员，不能计入本次活动；请核对，或请管理员用 /任命 设置其支部。`;
}
