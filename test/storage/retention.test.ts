import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'duban-retire-')), 'duban.json');
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();

/** One handled command as the journals hold it: its event (done) and its reply (sent), on day `n`. */
async function handled(s: Store, n: number): Promise<void> {
  await s.transact(async (tx) => {
    await tx.recordInbound({ id: `ev${n}`, messageId: `om_${n}`, kind: 'message', receivedAt: day(n), payload: { n } });
    await tx.completeInbound(`ev${n}`, day(n));
    await tx.enqueue({ id: `ev${n}-0`, to: { kind: 'reply', messageId: `om_${n}`, chatId: 'oc_a' }, content: { type: 'text', text: `回复 ${n}` }, createdAt: day(n) });
    await tx.updateOutbound(`ev${n}-0`, { status: 'sent', attempts: 1, sentAt: day(n) });
  });
}

describe('journal retention', () => {
  it('moves handled events older than a week and sent messages older than 30 days to the archive at a checkpoint', async () => {
    const file = tempFile();
    const s = await openLowdbStore(file);
    for (let n = 0; n <= 60; n += 5) await handled(s, n);
    await s.transact(async (tx) => {
      // Still owed: a pending event and an unsent message are never archived, however old.
      await tx.recordInbound({ id: 'stuck', kind: 'message', receivedAt: day(0), payload: {} });
      await tx.enqueue({ id: 'unsent', to: { kind: 'chat', chatId: 'oc_b' }, content: { type: 'text', text: '待发' }, createdAt: day(0) });
    });
    await s.close();

    const again = await openLowdbStore(file);
    const inbox = await again.read((tx) => tx.countInbound());
    // Newest handled event is day 60: days 55 and 60 stay (within 7 days), plus the pending one.
    expect(inbox).toEqual({ pending: 1, done: 2 });
    const kept = (await again.read((tx) => tx.listOutbound())).map((o) => o.id).sort();
    expect(kept).toEqual(['ev30-0', 'ev35-0', 'ev40-0', 'ev45-0', 'ev50-0', 'ev55-0', 'ev60-0', 'unsent']);
    // A recent event is still recognised as a repeat; the archive holds every row that left.
    expect(await again.transact((tx) => tx.recordInbound({ id: 'ev60', kind: 'message', receivedAt: day(61) }))).toBe('duplicate');
    const archived = readFileSync(file + '.archive.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { c: string; v: { id: string } });
    expect(archived.filter((a) => a.c === 'inbox').map((a) => a.v.id).sort()).toEqual(['ev0', 'ev10', 'ev15', 'ev20', 'ev25', 'ev30', 'ev35', 'ev40', 'ev45', 'ev5', 'ev50']);
    expect(archived.filter((a) => a.c === 'outbox').map((a) => a.v.id).sort()).toEqual(['ev0-0', 'ev10-0', 'ev15-0', 'ev20-0', 'ev25-0', 'ev5-0']);
    expect(JSON.parse(readFileSync(file, 'utf8')).collections.inbox).toHaveLength(3);
    await again.close();
  });
});
