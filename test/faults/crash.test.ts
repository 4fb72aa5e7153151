import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOpenPlatform } from '../../src/sandbox/open-platform.js';
import { messageEvent, newAppId, newChatId, newEventId, newMessageId, newOpenId, toRequest } from '../../src/sandbox/wire.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';

const COMMANDS = 1000;
const MIN_KILLS = 20;
const BOT = 'ou_bot0000000000000000000000000000';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once the process has exited (at once if it already has). */
function exited(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((r) => c.once('exit', () => r()));
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('crash: kill -9 at random moments while commands stream in', () => {
  it('keeps every acknowledged command exactly once, and the data file always loads', async () => {
    const keys = { appId: newAppId(), encryptKey: 'crash-enc-key', verificationToken: 'crash-token' };
    const platform = createOpenPlatform({ appId: keys.appId, appSecret: 'secret', botOpenId: BOT });
    const fake = await platform.listen();
    const dataFile = join(mkdtempSync(join(tmpdir(), 'duban-crash-')), 'duban.json');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const admin = newOpenId();
    platform.setUser(admin, { name: '王主任' });
    // Twenty branch chats with one member each, so replies are not all queued behind one chat's 4 per second.
    const chats = Array.from({ length: 20 }, (_, i) => ({ chat: newChatId(), member: newOpenId(), branch: `第${i + 1}支部` }));
    for (const [i, c] of chats.entries()) platform.setUser(c.member, { name: `党员${i + 1}` });
    const env = {
      ...process.env,
      FEISHU_APP_ID: keys.appId,
      FEISHU_APP_SECRET: 'secret',
      FEISHU_ENCRYPT_KEY: keys.encryptKey,
      FEISHU_VERIFICATION_TOKEN: keys.verificationToken,
      FEISHU_DOMAIN: fake.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      DUBAN_DATA_FILE: dataFile,
      DUBAN_ADMINS: admin,
      DUBAN_SCHEDULER: 'off',
      LOG_LEVEL: 'silent',
    };

    let child: ChildProcess | undefined;
    const start = async () => {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: 'ignore' });
      children.push(child);
      const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new Error(`server exited with ${code} while starting: the data file did not load`))));
      for (let i = 0; i < 300; i++) {
        const ok = await Promise.race([fetch(`${url}/healthz`).then((r) => r.ok, () => false), exited]);
        if (ok) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('server did not become healthy');
    };
    const send = async (body: object): Promise<boolean> => {
      const req = toRequest(keys, body);
      try {
        const res = await fetch(`${url}/webhook/event`, { method: 'POST', headers: req.headers, body: req.body });
        return res.status === 200;
      } catch {
        return false;
      }
    };
    const event = (from: string, chat: string, text: string) => {
      const messageId = newMessageId();
      platform.recordInbound(messageId, chat);
      return { messageId, body: messageEvent(keys, { text: `@_user_1 ${text}`, senderOpenId: from, chatId: chat, messageId, eventId: newEventId(), mentions: [{ key: '@_user_1', openId: BOT, name: '督办' }] }) };
    };

    await start();
    for (const c of chats) expect(await send(event(admin, c.chat, `/绑定 ${c.branch}`).body)).toBe(true);

    const pending = Array.from({ length: COMMANDS }, (_, i) => {
      const c = chats[i % chats.length]!;
      return event(c.member, c.chat, `/学习 1小时 自学 《党章》第${i + 1}遍`);
    });
    const acked = new Set<string>();
    let kills = 0;
    // Feishu pushes again whatever was not acknowledged with 200; a few acknowledged ones are pushed twice as well.
    while (acked.size < COMMANDS || kills < MIN_KILLS) {
      const killAfter = 50 + Math.floor(Math.random() * 250);
      const killer = setTimeout(() => {
        kills++;
        child!.kill('SIGKILL');
      }, killAfter);
      const todo = pending.filter((e) => !acked.has(e.messageId)).slice(0, 150);
      const again = [...acked].slice(0, 3).map((id) => pending.find((e) => e.messageId === id)!);
      const batch = todo.length > 0 ? todo : again;
      for (let i = 0; i < batch.length; i += 15) {
        const slice = batch.slice(i, i + 15);
        const results = await Promise.all(slice.map((e) => send(e.body)));
        slice.forEach((e, j) => results[j] && acked.add(e.messageId));
      }
      await new Promise((r) => setTimeout(r, Math.max(0, killAfter + 20)));
      clearTimeout(killer);
      if (child!.exitCode === null && child!.signalCode === null) {
        kills++;
        child!.kill('SIGKILL');
      }
      await exited(child!);
      await start();
    }

    // Let the last process finish its journal and outbox, then stop it cleanly.
    for (let i = 0; i < 600; i++) {
      const h = (await (await fetch(`${url}/healthz`)).json()) as { inbox: { pending: number }; outbox: { pending: number } };
      if (h.inbox.pending === 0 && h.outbox.pending === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child!.kill('SIGTERM');
    await exited(child!);

    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(acked.size).toBe(COMMANDS);
    const store = await openLowdbStore(dataFile, { readOnly: true });
    const records = await store.read((tx) => tx.listStudyRecords({ includeVoided: true }));
    const byContent = new Map<string, number>();
    for (const r of records) byContent.set(r.content, (byContent.get(r.content) ?? 0) + 1);
    expect(records).toHaveLength(COMMANDS);
    expect([...byContent.values()].every((n) => n === 1)).toBe(true);
    await store.close();
    // One reply per acknowledged command reached Feishu (retries carry the same uuid).
    const replies = new Map<string, number>();
    for (const m of platform.sent) if (m.replyTo) replies.set(m.replyTo, (replies.get(m.replyTo) ?? 0) + 1);
    for (const e of pending) expect(replies.get(e.messageId)).toBe(1);
    await fake.close();
  }, 600_000);
});
