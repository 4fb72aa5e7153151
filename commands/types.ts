import type { Branch, ChatBinding, OutboundContent, Person, Role } from '../storage/records.js';
import type { EvidenceType } from '../storage/ledger.js';
import type { Tx } from '../storage/store.js';
import type { Calendar } from './shared/working-calendar.js';
import { textMessage, type TextMessage } from './shared/text.js';

/** What a command may send: a text message from `textMessage`, a card from `cardMessage`, or a file. */
export type Reply = TextMessage | CardMessage | FileMessage;

/** A file to send; the router stores its bytes beside the data before the message is queued. */
export interface FileMessage {
  type: 'file';
  fileName: string;
  bytes: Uint8Array;
}

declare const CHECKED: unique symbol;
/** A card checked against Feishu's schema and limits; made only by `cardMessage`. */
export type CardMessage = Extract<OutboundContent, { type: 'card' }> & { readonly [CHECKED]: true };

/** A user mentioned in the message (the bot itself already removed). */
export interface Mention {
  openId: string;
  name: string;
}

/** Where a command was typed. */
export interface ChatInfo {
  id: string;
  type: 'group' | 'p2p';
  binding?: ChatBinding;
  /** The branch this chat is bound to, if any. */
  branch?: Branch;
}

/** Everything a command needs: it reads and writes only through `store` and answers only through `reply`/`notify`. */
export interface CommandContext {
  now: Date;
  /** The command word as typed (a name or an alias), without the slash. */
  invokedAs: string;
  /** Text after the command word, mentions rendered as `@名字`, full-width colons normalised. */
  args: string;
  /** Mentions in the order they appear in `args`. */
  mentions: Mention[];
  sender: Person;
  /** Effective role: bootstrap admins from the environment are admins whatever the store says. */
  role: Role;
  chat: ChatInfo;
  store: Tx;
  /** The working calendar with the office's entered /假期 data, loaded once per event; count working days on it. */
  calendar: Calendar;
  /** The registered command list, for /帮助. */
  commands: readonly Command[];
  /** Answers in the same chat, as a reply to the command message. */
  reply(content: Reply): void;
  /** Writes a warning to the operator's log (never to the chat), e.g. when the holiday calendar lacks a year. */
  warn(message: string, detail?: Record<string, unknown>): void;
  /** Sends to another chat or person; delivered only if the command succeeds. */
  notify(to: { chatId: string } | { openId: string }, content: Reply): void;
  /** The image or file this message carried, already fetched and kept (or why not): the router runs it as `/佐证`. */
  attachment?: Attachment;
  /** The message this one replies to, e.g. `/佐证 P12` as a reply to a file. */
  replyTo?: string;
}

/** An image or file sent to the bot: its Feishu keys and, once downloaded and checked, where its bytes are kept. */
export interface Attachment {
  kind: 'image' | 'file';
  messageId: string;
  fileKey: string;
  fileName?: string;
  stored?: { key: string; size: number; type: EvidenceType };
  /** Why it was not kept (too large, not an accepted type, not downloadable): the answer to the sender. */
  refused?: string;
}

/** One chat command; registered in `commands/index.ts`. */
export interface Command {
  /** Chinese name without the slash, e.g. `学习`. */
  name: string;
  /** English (and other) aliases without the slash. */
  aliases: readonly string[];
  /** Who may use it; admins always may. */
  roles: readonly Role[];
  /** One line for /帮助. */
  summary: string;
  /** The form, e.g. `/绑定 <支部名>`. */
  usage: string;
  /** At least one full example. */
  examples: readonly string[];
  /**
   * Whether a call (given its args) only reads and answers, like a report or an export: it then runs on a read view
   * outside the store's writer lock, so acknowledging events never waits for it, and any write in it throws.
   */
  readsOnly?(args: string): boolean;
  run(ctx: CommandContext): Promise<void>;
}

/** A failure the user caused; its message is the whole reply (escaped and cut to fit), and the command's writes are rolled back. */
export class UserError extends Error {
  override name = 'UserError';
  /** Whether the router should append the command's usage and example. */
  readonly showUsage: boolean;
  constructor(message: string, opts: { showUsage?: boolean } = {}) {
    // Refusals echo what was typed; a quarter of the text budget leaves room for the usage the router appends.
    super(textMessage(message, 30 * 1024));
    this.showUsage = opts.showUsage ?? true;
  }
}
