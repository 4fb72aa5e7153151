import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Socket } from 'node:net';
import pg from 'pg';
import { databaseUrl, withClient } from '../../bench/pg-admin.js';

/** The server the PostgreSQL tests use: DUBAN_TEST_DATABASE_URL, else the local one CI starts (.ci/run). */
export const ADMIN_URL = process.env.DUBAN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Whether the tests can reach the server. Outside CI a machine without PostgreSQL skips them with a message; in CI
 * an unreachable server is a failure, never a skip.
 */
export async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch (err) {
    if (process.env.CI) throw new Error(`PostgreSQL at ${ADMIN_URL} is unreachable in CI (.ci/run starts it): ${String(err)}`);
    console.warn(`PostgreSQL tests skipped: no server at ${ADMIN_URL} (${String(err)}); set DUBAN_TEST_DATABASE_URL or start one`);
    return false;
  }
}

/**
 * One fresh database (duban_test_<random>) for a test file, dropped by `drop`; each `location()` is a schema of its
 * own in it, reached through the URL's search_path, so every store a test opens starts empty.
 */
export function testDatabase(): { location(): Promise<string>; drop(): Promise<void> } {
  const name = `duban_test_${randomBytes(6).toString('hex')}`;
  let created: Promise<unknown> | undefined;
  let n = 0;
  return {
    async location() {
      await (created ??= withClient(ADMIN_URL, (c) => c.query(`CREATE DATABASE ${name}`)));
      const schema = `loc_${++n}`;
      const url = databaseUrl(ADMIN_URL, name);
      await withClient(url.toString(), (c) => c.query(`CREATE SCHEMA ${schema}`));
      url.searchParams.set('options', `-c search_path=${schema}`);
      return url.toString();
    },
    async drop() {
      if (created) await withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * How many of the database's connections carry application name `app` (only those whose last statement was a
 * LISTEN, with `listening`); with `terminate`, ends each of them and counts those ended.
 */
export async function connectionsOf(url: string, app: string, opts: { listening?: boolean; terminate?: boolean } = {}): Promise<number> {
  const what = opts.terminate ? 'pg_terminate_backend(pid)' : 'pid';
  const listening = opts.listening ? " AND query ILIKE 'LISTEN%'" : '';
  const sql = `SELECT ${what} FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()${listening}`;
  return (await withClient(url, (c) => c.query(sql, [app]))).rowCount ?? 0;
}

/**
 * A TCP relay in front of the server `url` names, for taking the database away from a process and giving it back:
 * `cut()` closes every relayed connection and refuses new ones (as a server that went down), `restore()` listens again.
 */
export async function tcpRelay(url: string): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  await listen(0);
  const port = (server.address() as { port: number }).port;
  const relayed = new URL(url);
  relayed.hostname = '127.0.0.1';
  relayed.port = String(port);
  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return { url: relayed.toString(), cut, restore: () => listen(port), close: cut };
}
