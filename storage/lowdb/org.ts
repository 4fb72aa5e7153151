import { StoreConflictError } from '../errors.js';
import type { AuditEntry, Branch, ChatBinding, Person } from '../records.js';
import type { OrgVerbs } from '../store.js';
import type { Tables } from './engine.js';

/** People, branches and chat bindings over the engine's tables. */
export function orgVerbs(t: Tables): OrgVerbs {
  return {
    async getPerson(id) {
      return t.get<Person>('people', id);
    },
    async savePerson(p, stamp) {
      const old = t.get<Person>('people', p.id);
      if (!old) {
        return t.insert<Person>('people', {
          role: 'member',
          name: p.name ?? p.id,
          nameSource: p.nameSource ?? 'fallback',
          ...p,
          created: stamp,
        } as Person);
      }
      return t.patch<Person>('people', p.id, p);
    },
    async listPeople(filter = {}) {
      if (filter.branchId !== undefined) return t.by<Person>('people', 'branch', filter.branchId).filter((p) => filter.role === undefined || p.role === filter.role);
      return filter.role !== undefined ? t.by<Person>('people', 'role', filter.role) : [...t.all<Person>('people')];
    },
    async findPeopleByName(name) {
      return t.by<Person>('people', 'name', name);
    },
    async getBranch(id) {
      return t.get<Branch>('branches', id);
    },
    async findBranchByName(name) {
      return t.by<Branch>('branches', 'name', name)[0];
    },
    async createBranch(name, stamp) {
      if (t.by('branches', 'name', name).length > 0) throw new StoreConflictError(`支部「${name}」已存在`);
      const id = `B${t.next('branch')}`;
      return t.insert<Branch>('branches', { id, name, created: stamp });
    },
    async listBranches() {
      return [...t.all<Branch>('branches')];
    },
    async getChat(chatId) {
      return t.get<ChatBinding>('chats', chatId);
    },
    async bindChat(binding, stamp) {
      const rec: ChatBinding = { ...binding, bound: stamp };
      if (t.get('chats', binding.id)) return t.patch<ChatBinding>('chats', binding.id, rec);
      return t.insert<ChatBinding>('chats', rec);
    },
    async listChats(filter = {}) {
      const base = filter.branchId !== undefined ? t.by<ChatBinding>('chats', 'branch', filter.branchId) : [...t.all<ChatBinding>('chats')];
      return base.filter((c) => filter.kind === undefined || c.kind === filter.kind);
    },
    async audit(entry) {
      t.insert<AuditEntry>('audit', { id: `A${t.next('audit')}`, ...entry });
    },
    async listAudit(subject) {
      return subject === undefined ? [...t.all<AuditEntry>('audit')] : t.by<AuditEntry>('audit', 'subject', subject);
    },
  };
}
