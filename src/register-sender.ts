import type { Mention } from '../commands/types.js';
import type { Person } from '../storage/records.js';
import type { Tx } from '../storage/store.js';
import type { IncomingMessage } from './events.js';

/**
 * Registers the sender of a message (and the people it mentions) before the command runs: a newcomer in a branch
 * chat joins that branch, a name from the contact API replaces a placeholder; leaders and admins never join by talking.
 */
export async function register(tx: Tx, ev: Pick<IncomingMessage, 'senderId' | 'chatId'>, name: string | undefined, now: Date, mentions: readonly Mention[], bootstrapAdmin: boolean): Promise<Person> {
  const stamp = { by: ev.senderId, at: now.toISOString() };
  const binding = await tx.getChat(ev.chatId);
  const existing = await tx.getPerson(ev.senderId);
  // Leaders and admins visit branch chats without becoming members; they join a branch only through /任命.
  const observer = bootstrapAdmin || existing?.role === 'leader' || existing?.role === 'admin';
  const joinBranch = binding?.kind === 'branch' && binding.branchId && !existing?.branchId && !observer ? { branchId: binding.branchId } : {};
  const rename = name && name !== existing?.name ? { name, nameSource: 'contact' as const } : {};
  for (const m of mentions) {
    const p = await tx.getPerson(m.openId);
    if (!p && m.openId !== ev.senderId) {
      await tx.savePerson({ id: m.openId, name: m.name, nameSource: 'mention' }, stamp);
    } else if (p && p.nameSource !== 'contact' && p.name !== m.name) {
      await tx.savePerson({ id: m.openId, name: m.name, nameSource: 'mention' }, stamp);
    }
  }
  if (existing && Object.keys(joinBranch).length === 0 && Object.keys(rename).length === 0) return existing;
  return tx.savePerson(
    {
      id: ev.senderId,
      ...(existing ? {} : { name: name ?? fallbackName(ev.senderId), nameSource: name ? ('contact' as const) : ('fallback' as const) }),
      ...rename,
      ...joinBranch,
    },
    stamp,
  );
}

/** A readable stand-in when the contact API is not available: the tail of the open_id. */
function fallbackName(openId: string): string {
  return `用户${openId.slice(-4)}`;
}
