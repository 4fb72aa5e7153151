import type { Outbound } from '../records.js';
import type { OutboxVerbs } from '../store.js';
import type { Tables } from './engine.js';

/** The persisted outbox over the engine's tables. */
export function outboxVerbs(t: Tables): OutboxVerbs {
  return {
    async enqueue(msg) {
      const existing = t.get<Outbound>('outbox', msg.id);
      if (existing) return existing;
      return t.insert<Outbound>('outbox', { ...msg, status: 'pending', attempts: 0, nextAt: msg.createdAt });
    },
    async dueOutbound(now, limit) {
      return t
        .by<Outbound>('outbox', 'status', 'pending')
        .filter((o) => o.nextAt <= now)
        .sort((a, b) => (a.nextAt < b.nextAt ? -1 : a.nextAt > b.nextAt ? 1 : 0))
        .slice(0, limit);
    },
    async updateOutbound(id, patch) {
      t.patch<Outbound>('outbox', id, patch);
    },
    async findOutboundByFeishuId(messageId) {
      return t.by<Outbound>('outbox', 'feishu', messageId)[0];
    },
    async getOutbound(id) {
      return t.get<Outbound>('outbox', id);
    },
    async listOutbound(filter = {}) {
      const base = filter.source !== undefined ? t.by<Outbound>('outbox', 'source', filter.source) : [...t.all<Outbound>('outbox')];
      return base.filter((o) => filter.status === undefined || o.status === filter.status);
    },
    async listOutboundAbout(ref) {
      return t.by<Outbound>('outbox', 'about', ref).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    },
  };
}
