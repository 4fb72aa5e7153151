import type { Branch } from '../../storage/records.js';

const SUFFIXES = ['党支部', '支部'];

/** `数据资源科党支部` → `数据资源科`: the name charts and narrow columns print; names left too short stay whole. */
export function shortBranchName(name: string): string {
  for (const s of SUFFIXES) if (name.endsWith(s) && [...name].length - s.length >= 2 && !/^第.$/.test(name.slice(0, -s.length))) return name.slice(0, -s.length);
  return name;
}

/**
 * The branch a typed word names: its full name, its short name (`办公室支部` too), or else the one branch
 * whose name contains the word (several: none, so a guess never picks the wrong branch).
 */
export function matchBranch<B extends Pick<Branch, 'name'>>(branches: readonly B[], word: string): B | undefined {
  const w = word.trim();
  if (w === '') return undefined;
  const exact = branches.find((b) => b.name === w) ?? branches.find((b) => shortBranchName(b.name) === shortBranchName(w));
  if (exact) return exact;
  const containing = branchCandidates(branches, w);
  return containing.length === 1 ? containing[0] : undefined;
}

/** The branches whose name contains the typed word: what an ambiguous word could mean. */
export function branchCandidates<B extends Pick<Branch, 'name'>>(branches: readonly B[], word: string): B[] {
  const w = word.trim();
  return w === '' ? [] : branches.filter((b) => b.name.includes(w));
}
