import { fork, type ChildProcess } from 'node:child_process';
import type { WsAck, WsDelivery, WsGatewayOptions } from '../../src/sandbox/open-platform-ws-types.js';
import type { FakeRequest, SentSummary } from './replicas-platform-main.js';
import type { CountedSend } from './replicas-platform.js';

type Op = FakeRequest['op'];

/** What the fake's gateway counted; `at` in epoch ms. */
export interface FakeCounts {
  sends: CountedSend[];
  refusals: { at: number; limit: string }[];
  connections: number;
}

/** The fake Feishu Open Platform running in a child process, driven over IPC; `sent` mirrors what it accepted. */
export class FakeFeishu {
  readonly sent: SentSummary[] = [];
  private readonly replies = new Map<string, number>();
  private readonly waiting = new Map<number, (v: unknown) => void>();
  private ids = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: { type: string; id?: number; result?: unknown; m?: SentSummary }) => {
      if (m.type === 'sent') {
        this.sent.push(m.m!);
        if (m.m!.replyTo) this.replies.set(m.m!.replyTo, (this.replies.get(m.m!.replyTo) ?? 0) + 1);
      } else if (m.type === 'answer') {
        this.waiting.get(m.id!)?.(m.result);
        this.waiting.delete(m.id!);
      }
    });
  }

  /** Forks the fake (tsx loads its TypeScript) and resolves once it listens. */
  static async start(opts: { appId: string; appSecret: string; botOpenId: string; ws?: WsGatewayOptions }): Promise<FakeFeishu> {
    const child = fork(new URL('./replicas-platform-main.ts', import.meta.url).pathname, [JSON.stringify(opts)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the fake platform exited (${code}) before listening`)));
      child.on('message', (m: { type: string; url?: string }) => m.type === 'ready' && resolve(m.url!));
    });
    return new FakeFeishu(child, url);
  }

  private ask<T>(op: Op, args: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.ids;
    return new Promise<T>((resolve) => {
      this.waiting.set(id, resolve as (v: unknown) => void);
      this.child.send({ id, op, ...args });
    });
  }

  /** How many replies went to the message `messageId`. */
  repliesTo(messageId: string): number {
    return this.replies.get(messageId) ?? 0;
  }

  setUser(openId: string, name: string): Promise<unknown> {
    return this.ask('user', { openId, name });
  }

  /** Tells the fake which chat an inbound message is in: replies then carry the chat, and count against it. */
  recordInbound(messageId: string, chatId: string): Promise<unknown> {
    return this.ask('inbound', { messageId, chatId });
  }

  counts(): Promise<FakeCounts> {
    return this.ask('counts');
  }

  /** Pushes an event over a long connection to one connected replica; Feishu's retries included. */
  push(envelope: object): Promise<WsAck | { error: string }> {
    return this.ask('push', { envelope });
  }

  deliveries(): Promise<WsDelivery[]> {
    return this.ask('deliveries');
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    void this.ask('close');
    await exited;
  }
}
