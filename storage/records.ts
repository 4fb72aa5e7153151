import { z } from 'zod';

/** Roles in ascending order of reach; `admin` is the Party affairs office. */
export const ROLES = ['member', 'secretary', 'leader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Chinese names of roles as cadres write them in `/任命`. */
export const ROLE_NAMES: Record<Role, string> = {
  member: '党员',
  secretary: '书记',
  leader: '领导',
  admin: '管理员',
};

/** Who did a thing and when: every write in the ledgers carries one. */
export const Stamp = z.object({ by: z.string(), at: z.string() });
export type Stamp = z.infer<typeof Stamp>;

/**
 * A person known to the bot; `branchId` is set once they belong to a branch. For a leader it is the home branch of
 * their dual organisational life (双重组织生活), set only by /任命: there they are on the roster like any member.
 */
export const Person = z.object({
  id: z.string(), // Feishu open_id
  name: z.string(),
  nameSource: z.enum(['contact', 'mention', 'fallback']),
  role: z.enum(ROLES),
  branchId: z.string().optional(),
  /** The branches a leader is responsible for (联系支部), set by /联系; their escalations @-mention the leader. */
  linkedBranchIds: z.array(z.string()).optional(),
  created: Stamp,
});
export type Person = z.infer<typeof Person>;

/** A Party branch (党支部); branches are never deleted. */
export const Branch = z.object({
  id: z.string(),
  name: z.string(),
  created: Stamp,
});
export type Branch = z.infer<typeof Branch>;

/** What a Feishu group chat is bound to. */
export const ChatBinding = z.object({
  id: z.string(), // chat_id
  kind: z.enum(['branch', 'leadership']),
  branchId: z.string().optional(),
  bound: Stamp,
});
export type ChatBinding = z.infer<typeof ChatBinding>;

/** An append-only audit line for changes that have no ledger of their own (roles, bindings). */
export const AuditEntry = z.object({
  id: z.string(),
  at: z.string(),
  by: z.string(),
  action: z.string(),
  subject: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** A received chat message or card action, journalled before it is acknowledged. */
export const InboundEvent = z.object({
  id: z.string(), // Feishu event_id
  messageId: z.string().optional(),
  kind: z.enum(['message', 'card']),
  receivedAt: z.string(),
  status: z.enum(['pending', 'done']),
  doneAt: z.string().optional(),
  payload: z.unknown().optional(), // dropped once done
});
export type InboundEvent = z.infer<typeof InboundEvent>;

/** Outbound content in the shape the messenger sends. */
export const OutboundContent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('card'), card: z.record(z.string(), z.unknown()) }),
  // The bytes live in the store's file area under `fileKey` (a big export inline would be one huge log line);
  // `base64` is how files were kept before, and is emptied once sent.
  z.object({ type: z.literal('file'), fileName: z.string(), fileKey: z.string().optional(), base64: z.string().optional() }),
]);
export type OutboundContent = z.infer<typeof OutboundContent>;

/** A message waiting in (or sent through) the persisted outbox; its id is Feishu's idempotency uuid. */
export const Outbound = z.object({
  id: z.string(),
  to: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('reply'), messageId: z.string(), chatId: z.string() }),
    z.object({ kind: z.literal('chat'), chatId: z.string() }),
    z.object({ kind: z.literal('user'), openId: z.string() }),
    // A new version of a card already sent (PATCH of Feishu's `messageId`), never a new message.
    z.object({ kind: z.literal('update'), messageId: z.string() }),
    // A card only `openId` sees in the group (仅对你可见), and its deletion once used.
    z.object({ kind: z.literal('ephemeral'), chatId: z.string(), openId: z.string() }),
    z.object({ kind: z.literal('ephemeral-delete'), messageId: z.string() }),
  ]),
  content: OutboundContent,
  /** The ledger items (P12, P12-1, T3) the card is about, so a change to one updates it in place. */
  about: z.array(z.string()).optional(),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  status: z.enum(['pending', 'sent', 'failed', 'expired']),
  attempts: z.number(),
  nextAt: z.string(),
  sentAt: z.string().optional(),
  feishuMessageId: z.string().optional(),
  error: z.string().optional(),
  source: z.string().optional(), // the event or job that produced it
});
export type Outbound = z.infer<typeof Outbound>;

/** One statutory holiday of one year as the office entered it from the State Council notice; replaces the package's data. */
export const HolidayEntry = z.object({
  id: z.string(), // `${year}:${name}`
  year: z.number(),
  name: z.string(), // 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节
  off: z.array(z.string()), // days off, YYYY-MM-DD
  work: z.array(z.string()), // 调休 make-up working days
  entered: Stamp,
  /** Earlier versions this entry replaced, newest last. */
  history: z.array(Stamp.extend({ off: z.array(z.string()), work: z.array(z.string()) })),
});
export type HolidayEntry = z.infer<typeof HolidayEntry>;
