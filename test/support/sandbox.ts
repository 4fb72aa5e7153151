import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { buildDemo } from '../../src/sandbox/demo-build.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';

/** A person as `/sandbox/api/state` lists them. */
export interface StatePerson {
  id: string;
  name: string;
  role: string;
  branch: string;
}
/** A chat as `/sandbox/api/state` lists it. */
export interface StateChat {
  id: string;
  name: string;
  kind: string;
  members: string[];
  personId?: string;
}

/** A clock that ticks from `iso` onwards, as the real one would. */
export function tickingFrom(iso: string): () => Date {
  const offset = Date.parse(iso) - Date.now();
  return () => new Date(Date.now() + offset);
}

/**
 * The bot in local (sandbox) mode exactly as `npm start` runs it without credentials, on a fresh data file; with
 * `demo`, the demo bureau is built into that file first, as `npm run demo` does.
 */
export async function startSandbox(opts: { clock?: () => Date; demo?: boolean; env?: Record<string, string> } = {}) {
  const dataFile = join(mkdtempSync(join(tmpdir(), 'duban-sandbox-')), opts.demo ? 'demo.json' : 'sandbox.json');
  if (opts.demo) {
    const store = await openLowdbStore(dataFile);
    await buildDemo(store, (opts.clock ?? (() => new Date()))());
    await store.close();
  }
  const config = readConfig({ PORT: '0', DUBAN_DATA_FILE: dataFile, LOG_LEVEL: 'silent', DUBAN_SCHEDULER: 'off', ...opts.env });
  const app: RunningApp = await startApp({ config, logger: createLogger('silent'), clock: opts.clock });
  const api = async (path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${app.url}/sandbox/api/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json().catch(() => undefined) };
  };
  const state = async () => (await api('state')).json as { now: string; defaultAt: string; offsetMs: number; demo: boolean; people: StatePerson[]; chats: StateChat[]; jobs: { name: string; next?: string }[] };
  return {
    app,
    dataFile,
    api,
    state,
    /** Sends as the named person into the named chat and waits until the bot has answered and sent everything. */
    async say(name: string, chatName: string, text: string) {
      const s = await state();
      const person = s.people.find((p) => p.name === name)!;
      const chat = s.chats.find((c) => c.name === chatName || (chatName === '私聊' && c.personId === person.id))!;
      const r = await api('send', { personId: person.id, chatId: chat.id, text });
      await app.settle();
      return r;
    },
    /** Lines of the page's conversation in a chat, bot messages as the raw Feishu content. */
    async lines(chatName: string) {
      const s = await state();
      const chat = s.chats.find((c) => c.name === chatName)!;
      const { lines } = (await api('messages?after=0')).json as { lines: { chatId: string; from: string; kind: string; msgType: string; content: any; messageId: string }[] };
      return lines.filter((l) => l.chatId === chat.id);
    },
    close: () => app.close(),
  };
}
