import { StoreConflictError } from '../errors.js';
import type { InboundEvent } from '../records.js';
import type { InboxVerbs } from '../store.js';
import type { Tables } from './engine.js';

/** The intake journal over the engine's tables; dedupes on event id and message id. */
export function inboxVerbs(t: Tables): InboxVerbs {
  return {
    async recordInbound(e) {
      if (t.get('inbox', e.id)) return 'duplicate';
      if (e.messageId && t.by('inbox', 'messageId', e.messageId).length > 0) return 'duplicate';
      t.insert<InboundEvent>('inbox', { ...e, status: 'pending' });
      return 'recorded';
    },
    async pendingInbound() {
      return t.by<InboundEvent>('inbox', 'status', 'pending');
    },
    async completeInbound(id, at) {
      // Replicas may both pick up an orphaned event: the one that commits second is undone whole, effects included.
      if (t.get<InboundEvent>('inbox', id)?.status === 'done') throw new StoreConflictError(`event ${id} was already handled`);
      // The payload is dropped once handled: the ids stay for deduplication, the content lives in the ledgers.
      t.patch<InboundEvent>('inbox', id, { status: 'done', doneAt: at, payload: null });
    },
    async countInbound() {
      const pending = t.by('inbox', 'status', 'pending').length;
      return { pending, done: t.count('inbox') - pending };
    },
  };
}
