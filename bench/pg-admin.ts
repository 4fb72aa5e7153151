import pg from 'pg';

/** Runs fn on a connection of its own to `url`, closed afterwards: for creating, inspecting and dropping databases. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** `serverUrl` with its database replaced by `name` (user, password, host and options kept). */
export function databaseUrl(serverUrl: string, name: string): URL {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u;
}
