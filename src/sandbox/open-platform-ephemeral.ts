import { randomBytes } from 'node:crypto';
import { checkCard } from './open-platform-cards.js';
import { ApiError, isRecord, ok, type Reply } from './open-platform-http.js';
import type { EphemeralCard, SentMessage } from './open-platform-types.js';

const CARD_LIMIT = 30 * 1024;
const GROUP_QPS = 40;

/** What the ephemeral endpoints need from the rest of the fake. */
export interface EphemeralDeps {
  now: () => number;
  record(m: Omit<SentMessage, 'seq' | 'at'>): SentMessage;
  /** Throws 230002 when the bot is not in the chat. */
  checkChat(chatId: string): void;
  /** Whether the chat is a private chat the fake opened (ephemeral cards are for groups only). */
  isP2p(chatId: string): boolean;
}

/** `POST /open-apis/ephemeral/v1/send` and `/delete`: cards one member of a group sees (仅对你可见), never patched. */
export function createEphemerals(deps: EphemeralDeps) {
  const cards = new Map<string, EphemeralCard>();
  const sends = new Map<string, number[]>();

  function send(body: Record<string, unknown>): Reply {
    const { chat_id: chatId, open_id: openId, msg_type: msgType, card } = body;
    if (typeof chatId !== 'string' || !chatId.startsWith('oc_')) throw new ApiError(400, 99992402, 'field validation failed', { field_violations: [{ field: 'chat_id', description: 'chat_id is required' }] });
    if (typeof openId !== 'string' || !openId.startsWith('ou_')) throw new ApiError(400, 99992402, 'field validation failed', { field_violations: [{ field: 'open_id', description: 'open_id is required' }] });
    if (msgType !== 'interactive') throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=ephemeral messages are interactive');
    // Unlike im/v1/messages, `card` is the card object itself, not a string.
    if (!isRecord(card)) throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=card must be an object');
    if (Buffer.byteLength(JSON.stringify(card)) > CARD_LIMIT) throw new ApiError(400, 230025, 'The length of the message content reaches its limit.');
    checkCard(card);
    if (deps.isP2p(chatId)) throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=ephemeral cards are for group chats only');
    deps.checkChat(chatId);
    const t = deps.now();
    const recent = (sends.get(chatId) ?? []).filter((at) => t - at < 1000);
    if (recent.length >= GROUP_QPS) throw new ApiError(400, 230020, 'This operation triggers the frequency limit.');
    sends.set(chatId, [...recent, t]);
    const messageId = `om_${randomBytes(16).toString('hex')}`;
    cards.set(messageId, { messageId, chatId, openId, card, deleted: false });
    deps.record({ kind: 'ephemeral', chatId, openId, messageId, msgType: 'interactive', content: card });
    return ok({ message_id: messageId });
  }

  function remove(body: Record<string, unknown>): Reply {
    const hit = typeof body.message_id === 'string' ? cards.get(body.message_id) : undefined;
    if (!hit || hit.deleted) throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=no such ephemeral message');
    hit.deleted = true;
    deps.record({ kind: 'ephemeral-delete', chatId: hit.chatId, openId: hit.openId, messageId: hit.messageId, msgType: 'interactive', content: hit.card });
    return ok({});
  }

  return { send, remove, cards, reset: () => (cards.clear(), sends.clear()) };
}
