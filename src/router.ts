import { ActionValue, commandFor, formCard, withForm } from '../commands/shared/card-actions.js';
import { checkedCard, type Card } from '../commands/shared/card.js';
import { refsOf } from '../commands/ledger/card-outcome.js';
import { refreshCards } from '../commands/ledger/card-refresh.js';
import { formRefusal } from '../commands/ledger/may-act.js';
import { parseMessage } from '../commands/shared/parse-message.js';
import { loadCalendar } from '../commands/shared/load-calendar.js';
import { mayRun, whoMay } from '../commands/org/roles.js';
import { UserError, type ChatInfo, type Command, type CommandContext, type FileMessage } from '../commands/types.js';
import { ROLE_NAMES, type OutboundContent, type Person, type Role } from '../storage/records.js';
import { StoreUnavailableError } from '../storage/errors.js';
import type { Store, Tx } from '../storage/store.js';
import type { CardAnswer, IncomingCardAction, IncomingEvent, IncomingMessage } from './events.js';
import type { Logger } from './logger.js';
import { intakeFile, type Resources } from './feishu/resources-intake.js';
import { noting } from './noting-tx.js';
import { register, registration } from './register-sender.js';
import { createSenderNames } from './sender-names.js';

/** Looks up display names; answers undefined when the app lacks the contact scope. */
export interface Directory {
  displayName(openId: string): Promise<string | undefined>;
  botOpenId(): string | undefined;
}

export interface RouterDeps {
  store: Store;
  commands: readonly Command[];
  admins: readonly string[];
  directory: Directory;
  logger: Logger;
  /** Called after a transaction put messages in the outbox. */
  onOutbox(): void;
  /** Wall clock for the stamp on a name filled in after the command. */
  clock?: () => Date;
  /** Downloads images and files people send (evidence); without it they are answered as not kept. */
  resources?: Resources;
}

/** How long a chat message (already acknowledged) waits for the contact API before using the name the bot knows. */
const NAME_WAIT_MS = 1000;

type Outgoing = { to: { kind: 'reply'; messageId: string; chatId: string } | { kind: 'chat'; chatId: string } | { kind: 'user'; openId: string }; content: OutboundContent | FileMessage };

/** Tx verbs that change a ledger item; the router notes which items a command changed, to update the cards about them. */

const INTERNAL_ERROR = '抱歉，处理这条命令时出了内部错误，已记录日志，什么也没有改动。请稍后再试，或联系管理员。';

/** Turns a journalled event into its effects: registration, the command's writes, replies, and the inbox mark. */
export function createRouter(deps: RouterDeps) {
  const words = deps.commands.flatMap((c) => [c.name, ...c.aliases]);
  const find = (w: string) => deps.commands.find((c) => c.name === w || c.aliases.includes(w));
  const clock = deps.clock ?? (() => new Date());
  const names = createSenderNames({ directory: deps.directory, store: deps.store, logger: deps.logger, clock });

  /** A chat message as the router runs it: typed in a chat, or stood in for by a card button. */
  interface Input {
    eventId: string;
    messageId: string;
    chatId: string;
    chatType: 'group' | 'p2p';
    senderId: string;
    messageType: string;
    text: string;
    mentions: IncomingMessage['mentions'];
    attachment?: IncomingMessage['attachment'];
    parentId?: string;
  }

  /** Messages with a file's bytes become messages naming the stored file; the bytes never enter the data log. */
  async function storeFiles(out: readonly Outgoing[]): Promise<(Outgoing & { content: OutboundContent })[]> {
    return Promise.all(
      out.map(async (o) => {
        const c = o.content;
        if (!('bytes' in c)) return { ...o, content: c };
        return { ...o, content: { type: 'file' as const, fileName: c.fileName, fileKey: await deps.store.files.put(c.bytes) } };
      }),
    );
  }

  /**
   * Runs one message: registration, the command and its writes, its replies and the inbox mark in one transaction.
   * With `capture`, replies are returned instead of posted (a card callback answers with a toast) and `onSuccess`
   * joins the command's transaction.
   */
  async function run(ev: Input, now: Date, opts: { capture?: boolean; onSuccess?: (tx: Tx) => Promise<void> } = {}): Promise<{ ok: boolean; replies: string[]; refreshed: Map<string, Card> }> {
    /** The sender's name from the directory, unless the store has it from there (journalling the event brought it up to date). */
    const lookUpName = async (): Promise<string | undefined> => {
      const known = await deps.store.read((tx) => tx.getPerson(ev.senderId), { known: true });
      // Network lookups happen outside the transaction: the store lock is never held across I/O. A card callback
      // (captured) answers within Feishu's 3 s, so it never waits for one.
      return known?.nameSource === 'contact' ? undefined : names.lookup(ev.senderId, opts.capture ? 0 : NAME_WAIT_MS);
    };
    /** Set before anything registers the sender: a report from a sender known by the directory's name needs none. */
    let name: string | undefined;
    // An image or file is fetched and kept outside the transaction, then run as /佐证 with it (or ignored in a group).
    const attachment = await intakeFile(deps.store, deps.resources, ev, now);
    const parsed = attachment
      ? { kind: 'command' as const, word: '佐证', args: '', mentions: [] }
      : ev.messageType === 'text'
        ? parseMessage({ ...ev, botOpenId: deps.directory.botOpenId() }, words)
        : { kind: 'chatter' as const };
    const captured: string[] = [];
    let refreshed = new Map<string, Card>();

    /** The chat, the effective role and a reply function for a sender already registered. */
    const identify = async (tx: Tx, sender: Person, out: Outgoing[]) => {
      const binding = await tx.getChat(ev.chatId);
      const chat: ChatInfo = { id: ev.chatId, type: ev.chatType, binding, branch: binding?.branchId ? await tx.getBranch(binding.branchId) : undefined };
      const role: Role = deps.admins.includes(sender.id) ? 'admin' : sender.role;
      const reply = (content: string | OutboundContent) => {
        const c = toContent(content);
        if (opts.capture) captured.push(c.type === 'text' ? c.text : '已完成');
        else out.push({ to: { kind: 'reply', messageId: ev.messageId, chatId: ev.chatId }, content: c });
      };
      return { sender, chat, role, reply };
    };
    const mentioned = parsed.kind === 'command' ? parsed.mentions : [];
    const bootstrapAdmin = deps.admins.includes(ev.senderId);
    const registerSender = (tx: Tx) => register(tx, ev, name, now, mentioned, bootstrapAdmin);
    const base = async (tx: Tx, out: Outgoing[]) => identify(tx, await registerSender(tx), out);

    const commit = async (tx: Tx, out: Outgoing[]) => {
      for (const [i, o] of (await storeFiles(out)).entries()) {
        const about = o.content.type === 'card' ? refsOf(o.content.card) : [];
        await tx.enqueue({ id: `${ev.eventId}-${i}`, to: o.to, content: o.content, createdAt: now.toISOString(), source: ev.eventId, ...(about.length ? { about } : {}) });
      }
      await tx.completeInbound(ev.eventId, now.toISOString());
    };

    /** Finds the command and checks the role; what it throws is the answer. */
    const allowedCommand = (role: Role): Command | undefined => {
      if (parsed.kind !== 'command') return undefined;
      const cmd = find(parsed.word);
      if (!cmd) throw new UserError(`没有「${parsed.word}」这个命令。${parsed.suggestion ? `你是不是要用 /${parsed.suggestion}？` : ''}发送 /帮助 查看你可以使用的命令。`, { showUsage: false });
      if (!mayRun(cmd, role)) {
        throw new UserError(`/${cmd.name} 只有${whoMay(cmd.roles)}可以使用；你当前的角色是${ROLE_NAMES[role]}。`, { showUsage: false });
      }
      return cmd;
    };
    const runCommand = async (cmd: Command, tx: Tx, who: Awaited<ReturnType<typeof identify>>, out: Outgoing[]) => {
      const { sender, chat, role, reply } = who;
      const ctx: CommandContext = {
        now,
        invokedAs: parsed.kind === 'command' ? parsed.word : cmd.name,
        args: parsed.kind === 'command' ? parsed.args : '',
        mentions: parsed.kind === 'command' ? parsed.mentions : [],
        sender,
        role,
        chat,
        store: tx,
        calendar: await loadCalendar(tx),
        commands: deps.commands,
        reply,
        warn: (message, detail) => deps.logger.warn({ ...detail, command: cmd.name, eventId: ev.eventId }, message),
        notify: (to, content) => out.push({ to: 'chatId' in to ? { kind: 'chat', chatId: to.chatId } : { kind: 'user', openId: to.openId }, content: toContent(content) }),
        ...(attachment ? { attachment } : {}),
        ...(ev.parentId ? { replyTo: ev.parentId } : {}),
      };
      try {
        await cmd.run(ctx);
      } catch (err) {
        if (err instanceof UserError && err.showUsage) throw new UserError(`${err.message}\n正确格式：${cmd.usage}\n例：${cmd.examples[0]}`);
        throw err;
      }
    };
    const readsOnly = parsed.kind === 'command' && !opts.onSuccess && (find(parsed.word)?.readsOnly?.(parsed.args) ?? false);
    if (!readsOnly) name = await lookUpName();

    let failure: { text: string } | undefined;
    try {
      if (readsOnly) {
        // A report: registration commits first (it is idempotent; a known sender has nothing to commit), the report
        // reads a view outside the writer lock, and its answers commit with the inbox mark. A crash between the steps
        // leaves the event pending: it runs again. Journalling the event brought this process up to date, so the known
        // view sees everything committed before the event was (a member's own /学习 just before, on any replica).
        const out: Outgoing[] = [];
        const report = async (tx: Tx, sender: Person) => {
          const who = await identify(tx, sender, out);
          const cmd = allowedCommand(who.role);
          if (cmd) await runCommand(cmd, tx, who, out);
        };
        // Most reports come from a sender known by the contact API's name, with nothing to register: one view finds
        // that and runs the report, where the name lookup, the registration and the report each took this process's
        // lock (and waited for any commit in flight) one after another.
        const ranAsKnown = await deps.store.view(async (tx) => {
          const sender = await tx.getPerson(ev.senderId);
          if (sender?.nameSource !== 'contact' || (await registration(tx, ev, undefined, mentioned, bootstrapAdmin)).saves.length > 0) return false;
          await report(tx, sender);
          return true;
        }, { known: true });
        if (!ranAsKnown) {
          name = await lookUpName();
          const planned = await deps.store.read((tx) => registration(tx, ev, name, mentioned, bootstrapAdmin), { known: true });
          const registered = planned.saves.length > 0 ? await deps.store.transact(registerSender) : planned.existing!;
          await deps.store.view(async (tx) => report(tx, (await tx.getPerson(ev.senderId)) ?? registered), { known: true });
        }
        // A file's bytes are written before the commit, not under the writer lock inside it.
        const stored = await storeFiles(out);
        await deps.store.transact((tx) => commit(tx, stored));
      } else {
        await deps.store.transact(async (tx) => {
          const out: Outgoing[] = [];
          const who = await base(tx, out);
          const cmd = allowedCommand(who.role);
          const touched = new Set<string>();
          if (cmd) await runCommand(cmd, noting(tx, touched), who, out);
          await opts.onSuccess?.(tx);
          refreshed = await refreshCards(tx, touched, now, ev.eventId);
          await commit(tx, out);
        });
      }
      deps.onOutbox();
      return { ok: true, replies: captured, refreshed };
    } catch (err) {
      // The store could not keep the work: nothing happened, and the event stays pending to be run again.
      if (err instanceof StoreUnavailableError) throw err;
      if (err instanceof UserError) failure = { text: err.message };
      else {
        deps.logger.error({ err, eventId: ev.eventId, messageId: ev.messageId }, 'command failed');
        failure = { text: INTERNAL_ERROR };
      }
    }
    // The command's writes were rolled back; registration and the answer still land, once.
    captured.length = 0;
    await deps.store.transact(async (tx) => {
      const out: Outgoing[] = [];
      const { reply } = await base(tx, out);
      reply(failure.text);
      await commit(tx, out);
    });
    deps.onOutbox();
    return { ok: false, replies: captured, refreshed: new Map() };
  }

  /**
   * A button press. A form opens only for a presser who may act (others get a refusal toast at once): in a group as
   * an ephemeral card only the presser sees, in a private chat on the card itself. A submit or a decision runs the
   * chat command it stands for; the cards about the item are updated by the command's own transaction.
   */
  async function handleCard(ev: IncomingCardAction, now: Date): Promise<CardAnswer> {
    const value = ActionValue.safeParse(ev.value);
    const original = await deps.store.read((tx) => tx.findOutboundByFeishuId(ev.messageId));
    const card = original?.content.type === 'card' ? (original.content.card as unknown as Card) : undefined;
    const close = () => deps.store.transact((tx) => tx.completeInbound(ev.eventId, now.toISOString()));
    if (!value.success || !card || !original) {
      await close();
      return { toast: { type: 'error', content: '这张卡片已失效，请改用聊天命令（发送 /帮助 查看）。' } };
    }
    const v = value.data;
    if (v.a === 'form') return openForm(ev, v, original, card, now);
    const cmd = commandFor(v, ev.formValue);
    if ('missing' in cmd) {
      await close();
      return { toast: { type: 'error', content: cmd.missing } };
    }
    const ephemeral = original.to.kind === 'ephemeral';
    const chatType = original.to.kind === 'user' ? 'p2p' : 'group';
    const result = await run(
      { eventId: ev.eventId, messageId: ev.messageId, chatId: ev.chatId, chatType, senderId: ev.operatorId, messageType: 'text', text: cmd.text, mentions: [] },
      now,
      {
        capture: true,
        // A used ephemeral form is deleted; one refused stays, so the presser can correct it.
        ...(ephemeral ? { onSuccess: (tx: Tx) => tx.enqueue({ id: `${ev.eventId}-del`, to: { kind: 'ephemeral-delete', messageId: ev.messageId }, content: { type: 'text', text: '' }, createdAt: now.toISOString(), source: ev.eventId }).then(() => undefined) } : {}),
      },
    );
    const first = (result.replies[0] ?? '').split('\n')[0]!.slice(0, 120);
    if (!result.ok) return { toast: { type: 'error', content: first || '操作未完成' } };
    const updated = ephemeral ? undefined : result.refreshed.get(original.id);
    return { toast: { type: 'success', content: first || '已完成' }, ...(updated ? { card: { type: 'raw' as const, data: updated } } : {}) };
  }

  async function openForm(ev: IncomingCardAction, v: Extract<ActionValue, { a: 'form' }>, original: NonNullable<Awaited<ReturnType<Tx['getOutbound']>>>, card: Card, now: Date): Promise<CardAnswer> {
    const refusal = await deps.store.read(async (tx) => {
      const sender = await tx.getPerson(ev.operatorId);
      if (!sender) return '你还没有登记：请先在群里发送任意命令（如 /帮助）。';
      const role: Role = deps.admins.includes(sender.id) ? 'admin' : sender.role;
      return formRefusal({ sender, role, store: tx }, v.form, v.ref);
    });
    if (refusal) {
      await deps.store.transact((tx) => tx.completeInbound(ev.eventId, now.toISOString()));
      return { toast: { type: 'error', content: refusal.slice(0, 120) } };
    }
    if (original.to.kind === 'user') {
      const updated = checkedCard(withForm(card, v));
      await deps.store.transact(async (tx) => {
        await tx.updateOutbound(original.id, { content: { type: 'card', card: updated as unknown as Record<string, unknown> } });
        await tx.completeInbound(ev.eventId, now.toISOString());
      });
      return { card: { type: 'raw', data: updated } };
    }
    const form = checkedCard(formCard(v));
    await deps.store.transact(async (tx) => {
      await tx.enqueue({ id: `${ev.eventId}-form`, to: { kind: 'ephemeral', chatId: ev.chatId, openId: ev.operatorId }, content: { type: 'card', card: form as unknown as Record<string, unknown> }, createdAt: now.toISOString(), source: ev.eventId });
      await tx.completeInbound(ev.eventId, now.toISOString());
    });
    deps.onOutbox();
    return { toast: { type: 'info', content: '表单已发送，仅你可见' } };
  }

  async function handle(ev: IncomingEvent, now: Date): Promise<CardAnswer | undefined> {
    if (ev.kind === 'card') return handleCard(ev, now);
    await run(ev, now);
    return undefined;
  }

  return { handle, run, stop: names.stop };
}

function toContent(c: string | OutboundContent | FileMessage): OutboundContent | FileMessage {
  return typeof c === 'string' ? { type: 'text', text: c } : c;
}
