import type { Branch } from '../../storage/records.js';
import type { Tx } from '../../storage/store.js';
import { matchBranch } from './branch-names.js';

/** Looks a typed branch name up, full or short (`数据资源科` finds 数据资源科党支部). */
export async function findBranch(tx: Pick<Tx, 'findBranchByName' | 'listBranches'>, word: string): Promise<Branch | undefined> {
  return (await tx.findBranchByName(word)) ?? matchBranch(await tx.listBranches(), word);
}
