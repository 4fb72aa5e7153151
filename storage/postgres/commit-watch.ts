import pg from 'pg';

/** The channel every commit notifies, with the last transaction number it committed as the payload. */
export const COMMIT_CHANNEL = 'duban_commit';

/** How long the listening connection waits before it opens again after losing the server. */
const RECONNECT_MS = 1000;

/** Listeners told when another replica commits; one connection LISTENs for all of them, opened on first use. */
export interface CommitWatch {
  add(listener: () => void): () => void;
  close(): Promise<void>;
}

/** What a watch tells the store it serves: whether it is listening, and each transaction number it is told of. */
export interface CommitsHeard {
  listening(on: boolean): void;
  committed(tx: number): void;
}

/**
 * Watches the database's commit notifications on a connection of its own (a pooled one would be handed to queries):
 * a listener is called for each commit newer than `seen()`, and once after every reconnect, since notifications sent
 * while the connection was down are lost. Nothing depends on it for correctness: it only wakes what would
 * otherwise wait for its next poll.
 */
export function watchCommits(url: string, opts: { applicationName: string; seen: () => number; heard?: CommitsHeard }): CommitWatch {
  const listeners = new Set<() => void>();
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  const tell = () => {
    for (const l of listeners) l();
  };

  const connect = async (reconnected: boolean) => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url, application_name: `${opts.applicationName} (listen)` });
    client = c;
    // A lost connection (a server restart, pg_terminate_backend) is reported as an error and then an end: never thrown.
    c.on('error', () => undefined);
    c.on('end', () => {
      opts.heard?.listening(false);
      if (client === c) again();
    });
    c.on('notification', (n) => {
      if (n.channel !== COMMIT_CHANNEL) return;
      const tx = Number(n.payload);
      opts.heard?.committed(tx);
      if (tx > opts.seen()) tell();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${COMMIT_CHANNEL}`);
      if (client === c) opts.heard?.listening(true);
      if (reconnected) tell();
    } catch {
      if (client === c) again();
      await c.end().catch(() => undefined);
    }
  };
  const again = () => {
    client = undefined;
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect(true);
    }, RECONNECT_MS);
    retry.unref();
  };

  return {
    add(listener) {
      listeners.add(listener);
      if (!client && !retry) void connect(false);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      listeners.clear();
      const c = client;
      client = undefined;
      opts.heard?.listening(false);
      await c?.end().catch(() => undefined);
    },
  };
}
