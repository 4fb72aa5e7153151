import type { Store } from '../../storage/store.js';
import { SANDBOX_CHATS, SANDBOX_PEOPLE } from './roster.js';

/** Sets up the sandbox bureau (branches, bound chats, roles) in an empty store; leaves a used store alone. */
export async function seedSandbox(store: Store, now: Date): Promise<boolean> {
  return store.transact(async (tx) => {
    if ((await tx.listBranches()).length > 0) return false;
    const stamp = { by: 'sandbox', at: now.toISOString() };
    const ids = new Map<string, string>();
    for (const name of new Set(SANDBOX_PEOPLE.flatMap((p) => (p.branch ? [p.branch] : [])))) {
      ids.set(name, (await tx.createBranch(name, stamp)).id);
    }
    for (const c of SANDBOX_CHATS) {
      await tx.bindChat(c.kind === 'leadership' ? { id: c.id, kind: 'leadership' } : { id: c.id, kind: 'branch', branchId: ids.get(c.branch!) }, stamp);
    }
    for (const p of SANDBOX_PEOPLE) {
      await tx.savePerson({ id: p.openId, name: p.name, nameSource: 'contact', role: p.role, ...(p.branch ? { branchId: ids.get(p.branch) } : {}) }, stamp);
    }
    return true;
  });
}
