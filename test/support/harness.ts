import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../src/app.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { Throttle } from '../../src/throttle.js';
import type { WsOptions } from '../../src/feishu/ws.js';
import type { WsGatewayOptions } from '../../src/sandbox/open-platform-ws.js';
import { createOpenPlatform, type ListeningPlatform, type OpenPlatform, type SentMessage } from '../../src/sandbox/open-platform.js';
import { cardActionEvent, messageEvent, newAppId, newChatId, newEventId, newMessageId, newOpenId, post, toRequest, type WireKeys } from './feishu-wire.js';

/** The bot's own open_id on the fake platform. */
export const BOT_ID = 'ou_bot0000000000000000000000000000';

export interface HarnessOptions {
  dataFile?: string;
  admins?: string[];
  adminToken?: string;
  contactScope?: boolean;
  clock?: () => Date;
  /** Run node-cron and the missed-run catch-up (off by default so tests see only what they trigger). */
  scheduler?: boolean;
  /** Wraps the store the bot opens, e.g. to inject a failing write. */
  wrapStore?: (store: Store) => Store;
  /** Lift Feishu's send limits, for tests about volume rather than pacing. */
  unthrottled?: boolean;
  /** Long-connection mode (FEISHU_MODE=ws) with the bot's and the fake platform's timings; events go through `platform.ws.push`. */
  ws?: { bot?: WsOptions; platform?: WsGatewayOptions };
}

/** Someone in the test conversation. */
export interface Person {
  name: string;
  openId: string;
}

/**
 * The whole bot over real HTTP: the app from `startApp`, its SDK client pointed at a fake Open Platform on
 * 127.0.0.1, and helpers that speak Feishu's wire format (encrypted, signed) to the webhook.
 */
export class Harness {
  readonly people = new Map<string, Person>();
  private constructor(
    readonly keys: WireKeys & { appSecret: string },
    readonly platform: OpenPlatform,
    private readonly fake: ListeningPlatform,
    public app: RunningApp,
    readonly opts: HarnessOptions & { dataFile: string },
  ) {}

  static async start(opts: HarnessOptions = {}): Promise<Harness> {
    const keys = { appId: newAppId(), appSecret: 'secret-' + newEventId(), encryptKey: 'enc-' + newEventId(), verificationToken: 'vt-' + newEventId() };
    const platform = createOpenPlatform({ appId: keys.appId, appSecret: keys.appSecret, botOpenId: BOT_ID, contactScope: opts.contactScope ?? true, ws: opts.ws?.platform });
    const fake = await platform.listen();
    const full = { ...opts, dataFile: opts.dataFile ?? join(mkdtempSync(join(tmpdir(), 'duban-e2e-')), 'duban.json') };
    const app = await Harness.boot(keys, fake.url, full);
    return new Harness(keys, platform, fake, app, full);
  }

  private static async boot(keys: Harness['keys'], domain: string, opts: HarnessOptions & { dataFile: string }): Promise<RunningApp> {
    const config = readConfig({
      FEISHU_APP_ID: keys.appId,
      FEISHU_APP_SECRET: keys.appSecret,
      FEISHU_ENCRYPT_KEY: keys.encryptKey,
      FEISHU_VERIFICATION_TOKEN: keys.verificationToken,
      FEISHU_DOMAIN: domain,
      FEISHU_MODE: opts.ws ? 'ws' : undefined,
      HOST: '127.0.0.1',
      PORT: '0',
      DUBAN_DATA_FILE: opts.dataFile,
      DUBAN_ADMINS: (opts.admins ?? []).join(','),
      DUBAN_ADMIN_TOKEN: opts.adminToken,
      LOG_LEVEL: 'silent',
      DUBAN_SCHEDULER: opts.scheduler ? 'on' : 'off',
    });
    const throttle = opts.unthrottled ? new Throttle({ perKey: { max: 10_000, windowMs: 1000 }, global: [{ max: 100_000, windowMs: 1000 }] }) : undefined;
    const store = opts.wrapStore ? opts.wrapStore(await openLowdbStore(opts.dataFile, { mode: 'feishu' })) : undefined;
    return startApp({ config, logger: createLogger('silent'), clock: opts.clock, throttle, store, ws: opts.ws?.bot });
  }

  /** Stops the bot and starts it again on the same data file. */
  async restart(): Promise<void> {
    await this.app.close();
    this.app = await Harness.boot(this.keys, this.fake.url, this.opts);
  }

  /** A person known to the fake contact directory. */
  person(name: string): Person {
    let p = this.people.get(name);
    if (!p) {
      p = { name, openId: newOpenId() };
      this.people.set(name, p);
      this.platform.setUser(p.openId, { name });
    }
    return p;
  }

  newChat(): string {
    return newChatId();
  }

  /** Builds the event as Feishu would: in a group the bot is @-mentioned first; `@名字` of known people become mentions. */
  event(from: Person, chatId: string, text: string, opts: { chatType?: 'group' | 'p2p'; messageId?: string; eventId?: string } = {}) {
    const chatType = opts.chatType ?? 'group';
    const mentions: { key: string; openId: string; name: string }[] = [];
    let body = text;
    if (chatType === 'group') {
      mentions.push({ key: '@_user_1', openId: BOT_ID, name: '督办' });
      body = `@_user_1 ${body}`;
    }
    for (const p of [...this.people.values()].sort((a, b) => b.name.length - a.name.length)) {
      if (!body.includes(`@${p.name}`)) continue;
      const key = `@_user_${mentions.length + 1}`;
      mentions.push({ key, openId: p.openId, name: p.name });
      body = body.split(`@${p.name}`).join(key);
    }
    const messageId = opts.messageId ?? newMessageId();
    this.platform.recordInbound(messageId, chatId);
    const createTime = (this.opts.clock ?? (() => new Date()))();
    return { messageId, body: messageEvent(this.keys, { text: body, senderOpenId: from.openId, chatId, chatType, messageId, eventId: opts.eventId ?? newEventId(), mentions, createTime }) };
  }

  /** POSTs an event body to the webhook, encrypted and signed unless told otherwise. */
  deliver(body: object, opts: Parameters<typeof toRequest>[2] = {}, path = '/webhook/event') {
    const now = (this.opts.clock ?? (() => new Date()))();
    return post(this.app.url + path, toRequest(this.keys, body, { timestamp: Math.floor(now.getTime() / 1000), ...opts }));
  }

  /** Makes `name` an admin (bootstrap admins come from the environment) and restarts on the same data. */
  async makeAdmin(name: string): Promise<Person> {
    const p = this.person(name);
    this.opts.admins = [...(this.opts.admins ?? []), p.openId];
    await this.restart();
    return p;
  }

  /** Sends a message and returns the text of the bot's reply to it. */
  async say(from: Person, chatId: string, text: string, opts: { chatType?: 'group' | 'p2p' } = {}): Promise<string> {
    const ev = this.event(from, chatId, text, opts);
    const res = await this.deliver(ev.body);
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.text}`);
    const reply = await this.platform.waitFor((m) => m.replyTo === ev.messageId, 5000);
    return textOf(reply);
  }

  /** Presses a button on a card the bot sent, as Feishu's `card.action.trigger` callback; returns the HTTP answer. */
  async press(from: Person, card: SentMessage, value: Record<string, unknown>, opts: { formValue?: Record<string, unknown>; eventId?: string; forge?: boolean } = {}) {
    const body = cardActionEvent(this.keys, { operatorOpenId: from.openId, value, formValue: opts.formValue, chatId: card.chatId ?? '', messageId: card.messageId, eventId: opts.eventId ?? newEventId() });
    return this.deliver(body, { forgeSignature: opts.forge }, '/webhook/card');
  }

  /** Messages the bot sent, as text, in order. */
  texts(filter: (m: SentMessage) => boolean = () => true): string[] {
    return this.platform.sent.filter(filter).map(textOf);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.fake.close();
  }
}

/** The readable text of a sent message (text content, or a card's header and markdown). */
export function textOf(m: SentMessage): string {
  const c = m.content as { text?: string; header?: { title?: { content?: string } }; body?: { elements?: { content?: string }[] } };
  if (typeof c.text === 'string') return c.text;
  return [c.header?.title?.content, ...(c.body?.elements ?? []).map((e) => e.content)].filter(Boolean).join('\n');
}
