import type { RawMention } from '../commands/shared/parse-message.js';

/** A chat message as the bot sees it, whatever transport brought it. */
export interface IncomingMessage {
  kind: 'message';
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: 'group' | 'p2p';
  senderId: string;
  messageType: string;
  /** Plain text with Feishu's `@_user_N` placeholders still in it. */
  text: string;
  mentions: RawMention[];
  createdAt: string;
  /** An image or file message's key (and the file's name), to be downloaded as evidence. */
  attachment?: { kind: 'image' | 'file'; fileKey: string; fileName?: string };
  /** The message this one replies to (`/佐证 P12` sent as a reply to a file). */
  parentId?: string;
}

/** A button press or form submit on one of the bot's cards. */
export interface IncomingCardAction {
  kind: 'card';
  eventId: string;
  operatorId: string;
  chatId: string;
  messageId: string;
  value: Record<string, unknown>;
  formValue?: Record<string, unknown>;
  createdAt: string;
}

export type IncomingEvent = IncomingMessage | IncomingCardAction;

/** What a card callback answers within Feishu's 3 seconds: a toast and, optionally, the card's new content. */
export interface CardAnswer {
  toast?: { type: 'success' | 'error' | 'info' | 'warning'; content: string };
  card?: { type: 'raw'; data: unknown };
}
