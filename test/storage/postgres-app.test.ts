import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { ConfigError, readConfig, secretsOf } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openPostgresStore } from '../../storage/postgres/open.js';
import { postgresReachable, testDatabase } from './postgres-db.js';

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
});
