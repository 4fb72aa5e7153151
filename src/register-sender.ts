import type { Mention } from '../commands/types.js';
import type { Person } from '../storage/records.js';
import type { Tx } from '../storage/store.js';
import type { IncomingMessage } from './events.js';

type PersonSave = Parameters<Tx['savePerson']>[0];

/** What registering a message's sender writes: the people to save, the sender last, and the sender as stored now. */
export interface Registration {
  existing: Person | undefined;
  saves: PersonSave[];
}

/**
 * Works out the registration of the sender of a message (and the people it mentions) without writing it: a newcomer
 * in a branch chat joins that branch, a name from the contact API replaces a placeholder; leaders and admins never
 * join by talking. No saves means a known sender, as stored.
 */
export async function registration(tx: Tx, ev: Pick<IncomingMessage, 'senderId' | 'chatId'>, name: string | undefined, mentions: readonly Mention[], bootstrapAdmin: boolean): Promise<Registration> {
  const binding = await tx.getChat(ev.chatId);
  const existing = await tx.getPerson(ev.senderId);
  // Leaders and admins visit branch chats without becoming members; they join a branch only through /任命.
  const observer = bootstrapAdmin || existing?.role === 'leader' || existing?.role === 'admin';
  const joinBranch = binding?.kind === 'branch' && binding.branchId && !existing?.branchId && !observer ? { branchId: binding.branchId } : {};
  const rename = name && name !== existing?.name ? { name, nameSource: 'contact' as const } : {};
  const saves: PersonSave[] = [];
  // One save per person mentioned, as the message names them (the first mention of someone wins).
  const seen = new Set<string>();
  for (const m of mentions) {
    if (seen.has(m.openId)) continue;
    seen.add(m.openId);
    const p = await tx.getPerson(m.openId);
    if ((!p && m.openId !== ev.senderId) || (p && p.nameSource !== 'contact' && p.name !== m.name)) saves.push({ id: m.openId, name: m.name, nameSource: 'mention' });
  }
  if (!existing || Object.keys(joinBranch).length > 0 || Object.keys(rename).length > 0) {
    saves.push({
      id: ev.senderId,
      ...(existing ? {} : { name: name ?? fallbackName(ev.senderId), nameSource: name ? ('contact' as const) : ('fallback' as const) }),
      ...rename,
      ...joinBranch,
    });
  }
  return { existing, saves };
}

/** Registers the sender of a message and the people it mentions (see `registration`); returns the sender. */
export async function register(tx: Tx, ev: Pick<IncomingMessage, 'senderId' | 'chatId'>, name: string | undefined, now: Date, mentions: readonly Mention[], bootstrapAdmin: boolean): Promise<Person> {
  const stamp = { by: ev.senderId, at: now.toISOString() };
  const { existing, saves } = await registration(tx, ev, name, mentions, bootstrapAdmin);
  let sender = existing;
  for (const s of saves) {
    const saved = await tx.savePerson(s, stamp);
    if (s.id === ev.senderId) sender = saved;
  }
  return sender!;
}

/** A readable stand-in when the contact API is not available: the tail of the open_id. */
function fallbackName(openId: string): string {
  return `用户${openId.slice(-4)}`;
}
