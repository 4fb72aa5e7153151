import type { Leave, LeaveVerbs } from '../leave.js';
import type { IndexFn, Tables } from './engine.js';

/** The leave register's collection, indexed by person. */
export const LEAVE_COLLECTIONS: Record<string, Record<string, IndexFn>> = {
  leaves: { person: (l: Leave) => l.personId },
};

/** The leave register over the engine's tables. */
export function leaveVerbs(t: Tables): LeaveVerbs {
  return {
    async addLeave(l) {
      return t.insert<Leave>('leaves', { id: `L${t.next('L')}`, ...l });
    },
    async voidLeave(id, voided) {
      return t.patch<Leave>('leaves', id, { voided });
    },
    async listLeaves(f = {}) {
      const base = f.personId !== undefined ? t.by<Leave>('leaves', 'person', f.personId) : [...t.all<Leave>('leaves')];
      return base
        .filter((l) => (f.from === undefined || l.to >= f.from) && (f.to === undefined || l.from <= f.to) && (f.includeVoided || !l.voided))
        .sort((a, b) => a.from.localeCompare(b.from) || Number(a.id.slice(1)) - Number(b.id.slice(1)));
    },
  };
}
