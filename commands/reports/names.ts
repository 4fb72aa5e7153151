import type { Tx } from '../../storage/store.js';

/** Display names for people and branches, read once; unknown ids print as themselves. */
export interface Names {
  person(id: string): string;
  branch(id: string | undefined): string;
}

/** Reads every person and branch name once, for renderers that print many of them. */
export async function loadNames(tx: Pick<Tx, 'listPeople' | 'listBranches'>): Promise<Names> {
  const [people, branches] = await Promise.all([tx.listPeople(), tx.listBranches()]);
  const p = new Map(people.map((x) => [x.id, x.name]));
  const b = new Map(branches.map((x) => [x.id, x.name]));
  return { person: (id) => p.get(id) ?? id, branch: (id) => (id ? (b.get(id) ?? id) : '领导班子') };
}
