import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { LOCAL_APP } from '../../src/app.js';
import { messageEvent, newEventId, newMessageId, toRequest, type WireKeys, type WireRequest } from '../../src/sandbox/wire.js';

const REPO = resolve(import.meta.dirname, '../..');

/** What `npm start` needs from the repository: the compiled output, and what its staleness check (prestart) reads. */
const RUN_FILES = ['dist', 'scripts', 'src', 'commands', 'storage', 'node_modules', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** Settings that would change what `npm start` does, removed so every bot runs on the defaults. */
const SETTINGS = /^(FEISHU_|DUBAN_|PORT$|HOST$|LOG_LEVEL$)/;

/** Console secrets of a Feishu app, as `.env` holds them. */
export interface AppKeys extends WireKeys {
  appSecret: string;
}

/** How a bot is started: local (sandbox) mode by default, Feishu mode against a fake Open Platform when `feishu` is given. */
export interface BotOptions {
  feishu?: { domain: string; keys: AppKeys; botOpenId: string; admins?: string[] };
  /** Extra settings for the one test that needs them (it says why). */
  env?: Record<string, string>;
}

/** An event ready to push, kept so Feishu's redelivery can push the very same event again. */
export interface PushedEvent {
  eventId: string;
  messageId: string;
  body: object;
}

/** A fresh working directory with the repository's files linked in and no `.env`, as a new checkout would run. */
export function createRunDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'duban-run-'));
  for (const name of RUN_FILES) symlinkSync(join(REPO, name), join(dir, name));
  return dir;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

/** A bot started with `npm start` in `dir`, with helpers to talk to it over Feishu's wire format and to stop it. */
export class Bot {
  private out = '';
  private err = '';
  /** Resolves with the exit of `npm start` itself. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly mode: 'local' | 'feishu',
    readonly keys: WireKeys,
    readonly botOpenId: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (b: Buffer) => (this.out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (this.err += b.toString()));
    this.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  }

  /** Runs `npm start` in `dir` with the default settings plus a port of its own. */
  static async start(dir: string, opts: BotOptions = {}): Promise<Bot> {
    const port = await freePort();
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SETTINGS.test(k)) env[k] = v;
    env.PORT = String(port);
    const f = opts.feishu;
    if (f) {
      Object.assign(env, {
        FEISHU_APP_ID: f.keys.appId,
        FEISHU_APP_SECRET: f.keys.appSecret,
        FEISHU_ENCRYPT_KEY: f.keys.encryptKey,
        FEISHU_VERIFICATION_TOKEN: f.keys.verificationToken,
        FEISHU_DOMAIN: f.domain,
        // Feishu mode listens on every interface by default; a test machine has no reason to.
        HOST: '127.0.0.1',
        DUBAN_ADMINS: (f.admins ?? []).join(','),
      });
    }
    Object.assign(env, opts.env);
    // Its own process group: SIGKILL to `npm start` alone leaves the server running as an orphan, so kill9 hits the group.
    const child = spawn('npm', ['start'], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Bot(dir, port, f ? 'feishu' : 'local', f ? f.keys : LOCAL_APP, f ? f.botOpenId : LOCAL_APP.botOpenId, child);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The data file the defaults name (`./data/sandbox.json` or `./data/duban.json`), as an absolute path. */
  get dataFile(): string {
    return join(this.dir, 'data', this.mode === 'local' ? 'sandbox.json' : 'duban.json');
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** Whether `npm start` has exited. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until /healthz answers 200; throws with the bot's stderr if it exits or takes longer than `ms`. */
  async waitHealthy(ms = 60_000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!this.running) throw new Error(`bot exited while starting (${JSON.stringify(await this.exited)}):\n${this.err}`);
      if (await fetch(`${this.url}/healthz`).then((r) => r.ok, () => false)) return;
      await sleep(50);
    }
    throw new Error(`bot not healthy after ${ms} ms:\n${this.err}`);
  }

  /** Whichever comes first: healthy, or an exit by itself (a refusal to start); kills it after `ms`. */
  async healthyOrExit(ms = 60_000): Promise<'healthy' | { code: number | null; signal: NodeJS.Signals | null }> {
    const until = Date.now() + ms;
    while (Date.now() < until && this.running) {
      if (await fetch(`${this.url}/healthz`).then((r) => r.ok, () => false)) return 'healthy';
      await sleep(50);
    }
    return this.waitExit(0);
  }

  /** /healthz as JSON, or undefined when the bot does not answer. */
  health(): Promise<{ inbox?: { pending: number }; outbox?: { pending: number }; store?: { lastTx?: number } } | undefined> {
    return fetch(`${this.url}/healthz`).then((r) => r.json(), () => undefined);
  }

  /** Waits until every journalled event is processed and every reply sent. */
  async settle(ms = 60_000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const h = await this.health();
      if (h?.inbox?.pending === 0 && h.outbox?.pending === 0) return;
      await sleep(100);
    }
    throw new Error(`bot did not settle within ${ms} ms`);
  }

  /** A text message from `from` in group `chat` that @-mentions the bot, as Feishu pushes it. */
  event(from: string, chat: string, text: string): PushedEvent {
    const messageId = newMessageId();
    const eventId = newEventId();
    const mentions = [{ key: '@_user_1', openId: this.botOpenId, name: '督办' }];
    return { eventId, messageId, body: messageEvent(this.keys, { text: `@_user_1 ${text}`, senderOpenId: from, chatId: chat, messageId, eventId, mentions }) };
  }

  /** The signed HTTP request Feishu would make for an event, for a sender in another process. */
  request(e: PushedEvent): WireRequest {
    return toRequest(this.keys, e.body);
  }

  /** Pushes an event signed and encrypted as Feishu does; the HTTP status, or 0 when nothing answered. */
  async send(e: PushedEvent): Promise<number> {
    const req = this.request(e);
    try {
      const res = await fetch(`${this.url}/webhook/event`, { method: 'POST', headers: req.headers, body: req.body });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  /** Every process below `npm start` now (the server, and a build while prestart runs), parents first. */
  descendants(): { pid: number; exe: string }[] {
    const kids = new Map<number, number[]>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        kids.set(ppid, [...(kids.get(ppid) ?? []), Number(name)]);
      } catch {
        // Gone between listing and reading.
      }
    }
    // The program's file name, not /proc/<pid>/comm: Node 24 renames its main thread, and so comm, "MainThread".
    const exe = (pid: number) => {
      try {
        return basename(readlinkSync(`/proc/${pid}/exe`));
      } catch {
        return '';
      }
    };
    const found: { pid: number; exe: string }[] = [];
    const walk = (pid: number) => {
      for (const k of kids.get(pid) ?? []) {
        found.push({ pid: k, exe: exe(k) });
        walk(k);
      }
    };
    walk(this.child.pid!);
    return found;
  }

  /** The node process serving HTTP: the deepest `node` below `npm start`. */
  serverPid(): number {
    const server = this.descendants().filter((p) => p.exe === 'node').at(-1);
    if (server === undefined) throw new Error('no node process below npm start');
    return server.pid;
  }

  /** SIGTERM to `npm start` itself, as a process manager that started it sends; resolves with its exit. */
  async sigtermTop(ms = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) process.kill(this.child.pid!, 'SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), ms);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  /** SIGKILL to every process of the bot at once, the server included, as a power cut would; resolves when all are gone. */
  async kill9(): Promise<void> {
    this.signalGroup('SIGKILL');
    await this.exited;
    await this.groupGone();
  }

  /** SIGTERM to the server, as `kill <pid>` or a service manager sends it; resolves with the exit of `npm start`. */
  async sigterm(ms = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) process.kill(this.serverPid(), 'SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), ms);
    const result = await this.exited;
    clearTimeout(timer);
    await this.groupGone();
    return result;
  }

  /** Ctrl+C in the terminal: SIGINT to every process of the bot; resolves once all are gone. */
  async ctrlC(ms = 30_000): Promise<void> {
    this.signalGroup('SIGINT');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), ms);
    await this.exited;
    // npm passes the signal on and waits for the server; the group check also covers a build that prestart started.
    await this.groupGone(ms / 25);
    clearTimeout(timer);
  }

  /** Waits for `npm start` to exit by itself (a refusal to start), killing it after `ms`. */
  async waitExit(ms = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), ms);
    const result = await this.exited;
    clearTimeout(timer);
    await this.groupGone();
    return result;
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  }

  private async groupGone(polls = 200): Promise<void> {
    for (let i = 0; i < polls; i++) {
      try {
        process.kill(-this.child.pid!, 0);
      } catch {
        return;
      }
      await sleep(25);
    }
    this.signalGroup('SIGKILL');
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
