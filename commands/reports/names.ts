import type { Tx } from '../../storage/store.js';

/** Display names for people and branches, read once; unknown ids print as themselves. */
export interface Names {
  person(id: string): string;
  branch(id: string | undefined): string;
}

/**
 * Reads the person and branch names renderers print; given `personIds`, only those people are read (a province
 * has 40,000, and a card names a few).
 */
export async function loadNames(tx: Pick<Tx, 'listPeople' | 'listBranches' | 'getPerson'>, personIds?: Iterable<string>): Promise<Names> {
  const people = personIds ? Promise.all([...new Set(personIds)].map((id) => tx.getPerson(id))) : tx.listPeople();
  const [listed, branches] = await Promise.all([people, tx.listBranches()]);
  const p = new Map(listed.flatMap((x) => (x ? [[x.id, x.name] as const] : [])));
  const b = new Map(branches.map((x) => [x.id, x.name]));
  return { person: (id) => p.get(id) ?? id, branch: (id) => (id ? (b.get(id) ?? id) : '领导班子') };
}
