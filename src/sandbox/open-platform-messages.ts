import type Koa from 'koa';
import { checkCard, isShared } from './open-platform-cards.js';
import type { Chat } from './open-platform-directory.js';
import { ApiError, isRecord, ok, type Reply } from './open-platform-http.js';
import { hex, p2pChatOf } from './open-platform-ids.js';
import type { SentMessage, StoredFile } from './open-platform-types.js';

interface StoredMessage {
  messageId: string;
  chatId?: string;
  msgType: string;
  content: string;
  createTime: number;
  rootId?: string;
  parentId?: string;
  threadId?: string;
}

const KB = 1024;
const TEXT_LIMIT = 150 * KB;
const CARD_LIMIT = 30 * KB;
const UUID_WINDOW_MS = 60 * 60 * 1000;
const PATCH_WINDOW_MS = 14 * 24 * 3600 * 1000;
const PATCH_QPS = 5;
const MSG_TYPES = new Set(['text', 'interactive', 'file', 'post']);
const RECEIVE_ID_TYPES = new Set(['open_id', 'user_id', 'union_id', 'email', 'chat_id']);

/** What the message endpoints need from the rest of the fake. */
export interface MessageDeps {
  appId: string;
  tenantKey: string;
  now: () => number;
  record(m: Omit<SentMessage, 'seq' | 'at'>): SentMessage;
  files: readonly StoredFile[];
  chats: ReadonlyMap<string, Chat>;
}

/** `im/v1/messages`: create, reply and PATCH with Feishu's checks (content limits, uuid dedup for an hour, 14-day and 5 QPS patch limits). */
export function createMessages(deps: MessageDeps) {
  const { now, record, files, chats } = deps;
  const messages = new Map<string, StoredMessage>();
  const inbound = new Map<string, string>();
  const uuids = new Map<string, { at: number; data: Record<string, unknown> }>();
  const patches = new Map<string, number[]>(); // message id → recent PATCH times
  const p2pChats = new Set<string>();

  function parseContent(msgType: unknown, content: unknown, rawSize: number): unknown {
    if (typeof msgType !== 'string' || !MSG_TYPES.has(msgType)) {
      throw new ApiError(400, 230001, `Your request contains an invalid request parameter, ext=unsupported msg_type ${String(msgType)} in fake`);
    }
    if (typeof content !== 'string') throw new ApiError(400, 9499, 'Invalid parameter type in json: content');
    const limit = msgType === 'text' ? TEXT_LIMIT : CARD_LIMIT;
    if (rawSize > limit) throw new ApiError(400, 230025, 'The length of the message content reaches its limit.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=content is not valid JSON');
    }
    if (!isRecord(parsed)) throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=content must be a JSON object');
    if (msgType === 'text' && typeof parsed.text !== 'string') {
      throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=text content needs a text string');
    }
    if (msgType === 'file') {
      const key = parsed.file_key;
      if (typeof key !== 'string' || !files.some((f) => f.fileKey === key)) {
        throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=unknown file_key');
      }
    }
    if (msgType === 'interactive') checkCard(parsed);
    return parsed;
  }

  function checkChat(chatId: string): void {
    const chat = chats.get(chatId);
    if (chat && !chat.botIn) throw new ApiError(400, 230002, 'Bot/User can NOT be out of the chat.');
  }

  function checkUuid(uuid: unknown): string | undefined {
    if (uuid === undefined || uuid === '') return undefined;
    if (typeof uuid !== 'string' || uuid.length > 50) {
      throw new ApiError(400, 99992402, 'field validation failed', { field_violations: [{ field: 'uuid', description: 'uuid is a string of at most 50 characters' }] });
    }
    return uuid;
  }

  function replayed(uuid: string | undefined): Reply | undefined {
    if (!uuid) return undefined;
    const hit = uuids.get(uuid);
    if (!hit || now() - hit.at >= UUID_WINDOW_MS) return undefined;
    return ok(hit.data);
  }

  function messageData(m: StoredMessage): Record<string, unknown> {
    return {
      message_id: m.messageId,
      ...(m.rootId ? { root_id: m.rootId, parent_id: m.parentId } : {}),
      ...(m.threadId ? { thread_id: m.threadId } : {}),
      msg_type: m.msgType,
      create_time: String(m.createTime),
      update_time: String(m.createTime),
      deleted: false,
      updated: false,
      ...(m.chatId ? { chat_id: m.chatId } : {}),
      sender: { id: deps.appId, id_type: 'app_id', sender_type: 'app', tenant_key: deps.tenantKey },
      body: { content: m.content },
    };
  }

  function store(m: Omit<StoredMessage, 'createTime' | 'messageId'>, uuid: string | undefined): StoredMessage {
    const stored: StoredMessage = { ...m, messageId: `om_${hex(16)}`, createTime: now() };
    messages.set(stored.messageId, stored);
    if (uuid) uuids.set(uuid, { at: stored.createTime, data: messageData(stored) });
    return stored;
  }

  function create(ctx: Koa.Context, body: Record<string, unknown>, rawSize: number): Reply {
    const receiveIdType = typeof ctx.query.receive_id_type === 'string' ? ctx.query.receive_id_type : undefined;
    if (!receiveIdType || !RECEIVE_ID_TYPES.has(receiveIdType)) {
      throw new ApiError(400, 99992402, 'field validation failed', { field_violations: [{ field: 'receive_id_type', description: 'receive_id_type is required' }] });
    }
    const receiveId = body.receive_id;
    if (typeof receiveId !== 'string' || receiveId === '') {
      throw new ApiError(400, 99992402, 'field validation failed', { field_violations: [{ field: 'receive_id', description: 'receive_id is required' }] });
    }
    const prefix = receiveIdType === 'chat_id' ? 'oc_' : receiveIdType === 'open_id' ? 'ou_' : receiveIdType === 'union_id' ? 'on_' : '';
    if (!receiveId.startsWith(prefix)) {
      throw new ApiError(400, 230001, `Your request contains an invalid request parameter, ext=receive_id does not look like a ${receiveIdType}`);
    }
    const uuid = checkUuid(body.uuid);
    const content = parseContent(body.msg_type, body.content, rawSize);
    const again = replayed(uuid);
    if (again) return again;
    const chatId = receiveIdType === 'chat_id' ? receiveId : p2pChatOf(receiveId);
    if (receiveIdType !== 'chat_id') p2pChats.add(chatId);
    checkChat(chatId);
    const msgType = String(body.msg_type);
    const m = store({ chatId, msgType, content: String(body.content) }, uuid);
    record({ kind: 'create', chatId, messageId: m.messageId, msgType, content, receiveIdType, receiveId, arrivedAt: ctx.state.arrivedAt, ...(uuid ? { uuid } : {}) });
    return ok(messageData(m));
  }

  function reply(parentId: string, body: Record<string, unknown>, rawSize: number): Reply {
    if (!parentId.startsWith('om_')) throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=invalid message_id');
    const uuid = checkUuid(body.uuid);
    const content = parseContent(body.msg_type, body.content, rawSize);
    const again = replayed(uuid);
    if (again) return again;
    const parent = messages.get(parentId);
    const chatId = parent?.chatId ?? inbound.get(parentId);
    if (chatId) checkChat(chatId);
    const inThread = body.reply_in_thread === true;
    const msgType = String(body.msg_type);
    const m = store(
      {
        ...(chatId ? { chatId } : {}),
        msgType,
        content: String(body.content),
        rootId: parent?.rootId ?? parentId,
        parentId,
        ...(inThread ? { threadId: parent?.threadId ?? `omt_${hex(8)}` } : {}),
      },
      uuid,
    );
    record({
      kind: 'reply',
      ...(chatId ? { chatId } : {}),
      replyTo: parentId,
      messageId: m.messageId,
      msgType,
      content,
      ...(uuid ? { uuid } : {}),
      ...(inThread ? { replyInThread: true } : {}),
    });
    return ok(messageData(m));
  }

  function patch(messageId: string, body: Record<string, unknown>, rawSize: number): Reply {
    const m = messages.get(messageId);
    if (!m) throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=message not found in fake');
    if (m.msgType !== 'interactive') throw new ApiError(400, 230001, 'Your request contains an invalid request parameter, ext=only interactive messages can be patched');
    if (now() - m.createTime > PATCH_WINDOW_MS) throw new ApiError(400, 230031, 'The card can no longer be updated (older than 14 days).');
    const content = parseContent('interactive', body.content, rawSize);
    // Only shared cards can be updated for everyone, and they must stay shared.
    if (!isShared(JSON.parse(m.content)) || !isShared(content)) throw new ApiError(400, 230099, 'Failed to create card content, ext=only cards with config.update_multi true can be patched');
    const t = now();
    const recent = (patches.get(messageId) ?? []).filter((at) => t - at < 1000);
    if (recent.length >= PATCH_QPS) throw new ApiError(400, 230020, 'This operation triggers the frequency limit.');
    patches.set(messageId, [...recent, t]);
    m.content = String(body.content);
    record({ kind: 'patch', ...(m.chatId ? { chatId: m.chatId } : {}), messageId, msgType: 'interactive', content });
    return ok({});
  }

  return {
    create,
    reply,
    patch,
    checkChat,
    isP2p: (chatId: string) => p2pChats.has(chatId),
    contentOf(messageId: string): unknown {
      const m = messages.get(messageId);
      return m ? JSON.parse(m.content) : undefined;
    },
    recordInbound(messageId: string, chatId: string) {
      inbound.set(messageId, chatId);
    },
    /** Forgets messages, inbound ids, uuids and patch times; p2p chats stay known. */
    reset() {
      messages.clear();
      inbound.clear();
      uuids.clear();
      patches.clear();
    },
  };
}
