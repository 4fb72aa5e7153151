import pg from 'pg';

/**
 * A connection pool whose connections never throw a server's error at the process: pg-pool removes its own error
 * listener when it hands a connection out, and a server that ends the connection in the same packet that finished
 * opening it (a restart, pg_terminate_backend) would otherwise emit an error nobody listens to. The query that was
 * running, or the next one, still fails and is handled where it runs.
 */
export function openPool(url: string, opts: { max: number; applicationName: string }): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: opts.max, application_name: opts.applicationName });
  pool.on('connect', (client) => client.on('error', () => undefined));
  // An idle connection the server dropped is reported here; the next query opens a new one.
  pool.on('error', () => undefined);
  return pool;
}
