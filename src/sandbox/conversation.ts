import { p2pChatOf, type OpenPlatform, type SentMessage } from './open-platform.js';

/** One line of a sandbox conversation: what a visitor typed, what the bot sent, or a card the bot updated. */
export interface Line {
  seq: number;
  chatId: string;
  at: string;
  from: 'user' | 'bot';
  /** `update` replaces the content of the earlier line with the same `messageId`. */
  kind: 'message' | 'update';
  personId?: string;
  name?: string;
  messageId: string;
  replyTo?: string;
  msgType: string;
  content: unknown;
  /** For a file message, the uploaded file's name. */
  fileName?: string;
  /** An ephemeral card (仅对你可见): the one person who sees it. */
  visibleTo?: string;
  /** On an `update`: the message was deleted (a used ephemeral form). */
  deleted?: boolean;
}

/** The page's view of every chat, in memory: lines typed on the page and everything the bot sent or patched. */
export interface Conversation {
  after(seq: number): Line[];
  addUser(l: Omit<Line, 'seq' | 'from' | 'kind'>): Line;
  /** The bot message with this id, as last updated. */
  botMessage(messageId: string): Line | undefined;
  /** Records a card the callback answer replaced, so a reload shows the new one. */
  replaceCard(messageId: string, card: unknown, at: Date): void;
}

/** Listens to the in-process Open Platform; private messages land in the recipient's chat with the bot. */
export function createConversation(platform: OpenPlatform, clock: () => Date): Conversation {
  const lines: Line[] = [];
  let seq = 0;
  const latest = new Map<string, Line>();
  const push = (l: Omit<Line, 'seq'>): Line => {
    const line = { ...l, seq: ++seq };
    lines.push(line);
    return line;
  };
  const update = (messageId: string, content: unknown, msgType: string, at: Date) => {
    const original = latest.get(messageId);
    if (!original) return;
    const line = push({ ...original, kind: 'update', at: at.toISOString(), content, msgType });
    latest.set(messageId, { ...original, content, msgType, seq: line.seq });
  };

  platform.on('message', (m: SentMessage) => {
    // Stamped with the bot's clock, which the page may have moved, not the stand-in platform's wall clock.
    if (m.kind === 'patch') return update(m.messageId, m.content, m.msgType, clock());
    if (m.kind === 'ephemeral-delete') {
      const original = latest.get(m.messageId);
      if (!original) return;
      push({ ...original, kind: 'update', at: clock().toISOString(), deleted: true });
      latest.delete(m.messageId);
      return;
    }
    const chatId = m.chatId ?? (m.receiveIdType === 'open_id' && m.receiveId ? p2pChatOf(m.receiveId) : undefined);
    if (!chatId) return;
    const fileKey = m.msgType === 'file' ? (m.content as { file_key?: string }).file_key : undefined;
    const fileName = fileKey ? platform.files.find((f) => f.fileKey === fileKey)?.fileName : undefined;
    const line = push({ chatId, at: clock().toISOString(), from: 'bot', kind: 'message', messageId: m.messageId, replyTo: m.replyTo, msgType: m.msgType, content: m.content, ...(fileName ? { fileName } : {}), ...(m.kind === 'ephemeral' && m.openId ? { visibleTo: m.openId } : {}) });
    latest.set(m.messageId, line);
  });

  return {
    after: (n) => lines.filter((l) => l.seq > n),
    addUser: (l) => push({ ...l, from: 'user', kind: 'message' }),
    botMessage: (id) => latest.get(id),
    replaceCard: (id, card, at) => update(id, card, 'interactive', at),
  };
}
