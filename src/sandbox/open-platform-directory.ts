import type Koa from 'koa';
import { ApiError, ok, type Reply } from './open-platform-http.js';
import { unionIdOf } from './open-platform-ids.js';

/** A group chat as the fake knows it: members by open id → name, and whether the bot is in it. */
export interface Chat {
  name: string;
  members: Map<string, string>;
  botIn: boolean;
}

/** The contact and chat-list endpoints over the fake's users and chats. */
export function createDirectory(deps: { tenantKey: string; users: Map<string, { name: string }>; chats: Map<string, Chat>; contactScope: boolean }) {
  const { tenantKey, users, chats } = deps;
  let contactScope = deps.contactScope;

  function getUser(ctx: Koa.Context, openId: string): Reply {
    if (!contactScope) {
      throw new ApiError(400, 99991672, 'Access denied. One of the following scopes is required: [contact:contact.base:readonly, contact:contact:readonly_as_app, contact:contact:readonly, contact:user.base:readonly].', {
        permission_violations: [{ type: 'action_scope_required', subject: 'contact:user.base:readonly' }],
      });
    }
    const idType = ctx.query.user_id_type ?? 'open_id';
    if (idType !== 'open_id') throw new ApiError(400, 99992402, 'field validation failed', { field_violations: [{ field: 'user_id_type', description: 'the fake only knows open_id' }] });
    const user = users.get(openId);
    // Feishu answers 41050 for anyone outside the app's contact range, which includes ids it cannot see at all.
    if (!user) throw new ApiError(400, 41050, 'no user authority error');
    return ok({
      user: {
        open_id: openId,
        union_id: unionIdOf(openId),
        name: user.name,
        en_name: '',
        avatar: { avatar_72: '', avatar_240: '', avatar_640: '', avatar_origin: '' },
        status: { is_frozen: false, is_resigned: false, is_activated: true, is_exited: false, is_unjoin: false },
      },
    });
  }

  function listMembers(ctx: Koa.Context, chatId: string): Reply {
    const chat = chats.get(chatId);
    if (!chat || !chat.botIn) throw new ApiError(400, 232011, 'Operator can NOT be out of the chat.');
    const pageSize = Math.min(Math.max(Number(ctx.query.page_size ?? 20) || 20, 1), 100);
    const start = Number(ctx.query.page_token ?? 0) || 0;
    const all = [...chat.members];
    const page = all.slice(start, start + pageSize);
    const hasMore = start + pageSize < all.length;
    return ok({
      items: page.map(([id, name]) => ({ member_id_type: 'open_id', member_id: id, name, tenant_key: tenantKey })),
      page_token: hasMore ? String(start + pageSize) : '',
      has_more: hasMore,
      member_total: all.length,
    });
  }

  function listChats(): Reply {
    const items = [...chats]
      .filter(([, c]) => c.botIn)
      .map(([chatId, c]) => ({ chat_id: chatId, name: c.name, avatar: '', description: '', owner_id: '', owner_id_type: 'open_id', external: false, tenant_key: tenantKey, chat_status: 'normal' }));
    return ok({ items, page_token: '', has_more: false });
  }

  function setChatMembers(chatId: string, members: Record<string, string> | string[], o: { botIn?: boolean; name?: string } = {}): void {
    const entries: [string, string][] = Array.isArray(members) ? members.map((id) => [id, users.get(id)?.name ?? id]) : Object.entries(members);
    chats.set(chatId, { name: o.name ?? chats.get(chatId)?.name ?? chatId, members: new Map(entries), botIn: o.botIn ?? true });
  }

  return {
    getUser,
    listMembers,
    listChats,
    setChatMembers,
    setContactScope(granted: boolean) {
      contactScope = granted;
    },
  };
}
