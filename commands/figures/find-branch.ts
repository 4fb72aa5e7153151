import type { Branch } from '../../storage/records.js';
import type { Tx } from '../../storage/store.js';
import { UserError } from '../types.js';
import { branchCandidates, matchBranch } from './branch-names.js';

type BranchTx = Pick<Tx, 'findBranchByName' | 'listBranches'>;

/** A typed branch name, full or short: the branch, or the several branches it could mean (none: `[]`). */
export async function lookupBranch(tx: BranchTx, word: string): Promise<Branch | Branch[]> {
  const exact = await tx.findBranchByName(word);
  if (exact) return exact;
  const branches = await tx.listBranches();
  return matchBranch(branches, word) ?? branchCandidates(branches, word);
}

/**
 * Looks a typed branch name up, full or short (`数据资源科` finds 数据资源科党支部); a name several branches
 * contain is refused with the candidates listed, never guessed.
 */
export async function findBranch(tx: BranchTx, word: string): Promise<Branch | undefined> {
  const found = await lookupBranch(tx, word);
  if (!Array.isArray(found)) return found;
  if (found.length > 1) throw new UserError(`「${word.trim()}」可指多个支部：${found.map((b) => b.name).join('、')}。请写全支部名。`, { showUsage: false });
  return undefined;
}
