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
