import type { IncomingCardAction, IncomingMessage } from '../events.js';

/** The flattened `im.message.receive_v1` data the SDK's dispatcher hands to a handler (only what we read). */
export interface MessageData {
  event_id?: string;
  uuid?: string;
  create_time?: string;
  sender?: { sender_id?: { open_id?: string }; sender_type?: string };
  message?: {
    message_id: string;
    chat_id: string;
    chat_type: string;
    message_type: string;
    content: string;
    parent_id?: string;
    create_time?: string;
    mentions?: { key: string; id?: { open_id?: string }; name?: string }[];
  };
}

/** The flattened `card.action.trigger` data (the SDK ships no type for it). */
export interface CardActionData {
  event_id?: string;
  create_time?: string;
  operator?: { open_id?: string };
  action?: { value?: Record<string, unknown>; form_value?: Record<string, unknown> };
  context?: { open_message_id?: string; open_chat_id?: string };
}

/** Converts a message event; undefined for what the bot ignores (other bots, malformed data). */
export function toIncomingMessage(d: MessageData, now: Date): IncomingMessage | undefined {
  const m = d.message;
  const sender = d.sender?.sender_id?.open_id;
  const eventId = d.event_id ?? d.uuid;
  if (!m || !sender || !eventId || d.sender?.sender_type === 'app') return undefined;
  return {
    kind: 'message',
    eventId,
    messageId: m.message_id,
    chatId: m.chat_id,
    chatType: m.chat_type === 'p2p' ? 'p2p' : 'group',
    senderId: sender,
    messageType: m.message_type,
    text: textOf(m.message_type, m.content),
    mentions: (m.mentions ?? []).filter((x) => x.id?.open_id).map((x) => ({ key: x.key, openId: x.id!.open_id!, name: x.name ?? '' })),
    createdAt: toIso(m.create_time ?? d.create_time, now),
    ...attachmentOf(m.message_type, m.content),
    ...(m.parent_id ? { parentId: m.parent_id } : {}),
  };
}

// `image` carries {"image_key"}, `file` {"file_key","file_name"}; the bytes are fetched later as message resources.
function attachmentOf(type: string, content: string): Pick<IncomingMessage, 'attachment'> {
  if (type !== 'image' && type !== 'file') return {};
  try {
    const c = JSON.parse(content) as { image_key?: unknown; file_key?: unknown; file_name?: unknown };
    const fileKey = type === 'image' ? c.image_key : c.file_key;
    if (typeof fileKey !== 'string' || fileKey === '') return {};
    return { attachment: { kind: type, fileKey, ...(typeof c.file_name === 'string' ? { fileName: c.file_name } : {}) } };
  } catch {
    return {};
  }
}

/** Converts a card callback; undefined when it lacks an operator or context. */
export function toIncomingCardAction(d: CardActionData, now: Date): IncomingCardAction | undefined {
  const op = d.operator?.open_id;
  if (!op || !d.event_id || !d.context?.open_message_id) return undefined;
  return {
    kind: 'card',
    eventId: d.event_id,
    operatorId: op,
    chatId: d.context.open_chat_id ?? '',
    messageId: d.context.open_message_id,
    value: d.action?.value ?? {},
    formValue: d.action?.form_value,
    createdAt: toIso(d.create_time, now),
  };
}

function textOf(type: string, content: string): string {
  try {
    const c = JSON.parse(content);
    if (type === 'text') return String(c.text ?? '');
    if (type === 'post') {
      // Rich text: paragraphs of elements; keep the text and the mention placeholders in order.
      const body = c.content ?? c.zh_cn?.content ?? [];
      return (body as { tag: string; text?: string; user_id?: string }[][])
        .map((p) => p.map((e) => (e.tag === 'text' || e.tag === 'a' ? (e.text ?? '') : e.tag === 'at' ? (e.user_id ?? '') : '')).join(''))
        .join(' ');
    }
  } catch {
    return '';
  }
  return '';
}

function toIso(t: string | undefined, now: Date): string {
  if (!t || !/^\d+$/.test(t)) return now.toISOString();
  const n = Number(t);
  // Feishu sends milliseconds; some official samples use microseconds.
  const ms = n > 1e14 ? n / 1000 : n;
  return new Date(ms).toISOString();
}
