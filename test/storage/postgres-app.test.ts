import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_APP, startApp } from '../../src/app.js';
import { messageEvent, post, toRequest } from '../../src/sandbox/wire.js';
import { ConfigError, readConfig, secretsOf } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openPostgresStore } from '../../storage/postgres/open.js';
import { postgresReachable, tcpRelay, testDatabase } from './postgres-db.js';

const reachable = await postgresReachable();
const db = testDatabase();
afterAll(() => db.drop());

describe('DUBAN_DATABASE_URL', () => {
  it('is validated at start-up: a bad one is named, its value never printed', () => {
    const bad = 'mysql://duban:hunter2-secret@db.internal/duban';
    let error: unknown;
    try {
      readConfig({ DUBAN_DATABASE_URL: bad });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain('DUBAN_DATABASE_URL: must be a URL like postgres://');
    expect(String(error)).not.toContain('hunter2');
    expect(readConfig({ DUBAN_DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('keeps its password out of every log line, raw or percent-encoded', () => {
    const config = readConfig({ DUBAN_DATABASE_URL: 'postgres://duban:p%40ss%2Fw0rd-x@db.internal:5432/duban' });
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }), secretsOf(config));
    logger.info({ url: config.databaseUrl }, 'connecting with p@ss/w0rd-x');
    expect(lines.join('')).not.toMatch(/p%40ss%2Fw0rd-x|p@ss\/w0rd-x/);
    expect(lines.join('')).toContain('db.internal');
  });
});

describe.runIf(reachable)('the app on PostgreSQL', () => {
  it('answers a command with its data in the database; /healthz reports kind postgres and which replica runs the scheduler', async () => {
    const url = await db.location();
    const config = readConfig({ PORT: '0', DUBAN_DATABASE_URL: url, LOG_LEVEL: 'silent', DUBAN_SCHEDULER: 'on' });
    const store = await openPostgresStore(url, { mode: 'local' });
    const app = await startApp({ config, logger: createLogger('silent'), store });
    const second = await startApp({ config, logger: createLogger('silent'), store: await openPostgresStore(url, { mode: 'local' }) });
    try {
      const health = await (await fetch(`${app.url}/healthz`)).json();
      expect(health).toMatchObject({ ok: true, store: { kind: 'postgres' }, sender: true, scheduler: true });
      expect(await (await fetch(`${second.url}/healthz`)).json()).toMatchObject({ ok: true, store: { kind: 'postgres' }, sender: false, scheduler: false });
      const api = async (path: string, body?: unknown) =>
        (await fetch(`${app.url}/sandbox/api/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
      const state = await api('state');
      const admin = state.people.find((p: { name: string }) => p.name === '王主任');
      const chat = state.chats.find((c: { name: string }) => c.name === '第一支部群');
      await api('send', { personId: admin.id, chatId: chat.id, text: '/任命 @张三 书记' });
      await app.settle();
      expect((await api('state')).people.find((p: { name: string }) => p.name === '张三').role).toBe('secretary');
    } finally {
      await app.close();
      await second.close();
    }
    // A second replica opened on the same database sees what the first one wrote.
    const again = await openPostgresStore(url, { mode: 'local' });
    expect((await again.read((tx) => tx.findPeopleByName('张三')))[0]).toMatchObject({ role: 'secretary' });
    await again.close();
  });

  it('/healthz answers 503 while the database cannot be reached, naming no host, and 200 again once it can', async () => {
    const relay = await tcpRelay(await db.location());
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const config = readConfig({ PORT: '0', DUBAN_DATABASE_URL: relay.url, LOG_LEVEL: 'info' });
    const app = await startApp({ config, logger, store: await openPostgresStore(relay.url, { mode: 'local' }) });
    const health = async () => {
      const res = await fetch(`${app.url}/healthz`);
      return { status: res.status, text: await res.text() };
    };
    try {
      expect((await health()).status).toBe(200);
      await relay.cut();
      const down = [await health(), await health(), await health()];
      for (const h of down) {
        expect(h.status).toBe(503);
        expect(JSON.parse(h.text)).toMatchObject({ ok: false, store: { ok: false, kind: 'postgres', error: 'unreadable' }, inbox: null, outbox: { pending: null } });
        expect(h.text).not.toContain('127.0.0.1');
      }
      // Logged when it began, not at every poll.
      expect(lines.filter((l) => l.includes('the store cannot be read')).length).toBe(1);
      // An event that reaches the replica meanwhile is refused with 503, for Feishu to deliver again, and its id is
      // not spent: the same event is taken once the database is back.
      const event = messageEvent(LOCAL_APP, { text: '/帮助', senderOpenId: 'ou_healthz_probe', chatId: 'oc_healthz_probe', chatType: 'p2p' });
      const deliver = () => post(`${app.url}/webhook/event`, toRequest(LOCAL_APP, event, { timestamp: Math.floor(Date.now() / 1000) }));
      expect((await deliver()).status).toBe(503);
      await relay.restore();
      const up = await health();
      expect(up.status).toBe(200);
      expect(JSON.parse(up.text)).toMatchObject({ ok: true, store: { ok: true, kind: 'postgres' }, inbox: expect.objectContaining({ pending: expect.any(Number) }) });
      expect(lines.filter((l) => l.includes('the store can be read again')).length).toBe(1);
      expect((await deliver()).status).toBe(200);
      await app.settle();
      expect(await app.store.read((tx) => tx.countInbound())).toEqual({ pending: 0, done: 1 });
    } finally {
      await app.close();
      await relay.close();
    }
  });
});
