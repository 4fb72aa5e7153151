import { Agent, request } from 'node:http';

/** One prepared request: the exact bytes a Feishu push carries. */
export interface Shot {
  headers: Record<string, string>;
  body: string;
}

/** Latency percentiles in milliseconds. */
export interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** What a load run measured. */
export interface LoadResult {
  sent: number;
  ok: number;
  statuses: Record<string, number>;
  seconds: number;
  rps: number;
  latency: Latency;
  /** The raw latencies in ms, for pooling runs (left out of results.json). */
  samples?: number[];
}

/** Percentiles of a list of millisecond samples. */
export function percentiles(samples: number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! : NaN);
  return { count: s.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(s.at(-1) ?? NaN) };
}

/** The middle value (the upper middle of an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A keep-alive HTTP poster bound to one URL; resolves with the status (0 for a socket error). */
export function poster(url: string, sockets: number): { post(shot: Shot): Promise<number>; close(): void } {
  const u = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  return {
    post(shot) {
      return new Promise((resolve) => {
        const send = (again: boolean) => {
          const req = request(
            { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { ...shot.headers, 'content-length': Buffer.byteLength(shot.body) } },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
              res.on('error', () => resolve(0));
            },
          );
          // A kept-alive socket the server closed (its 5 s keep-alive timeout) as this request went out: Node's
          // documented race, seen as ECONNRESET on a reused socket in the province bench; sent once more on a new one.
          req.on('error', (err: NodeJS.ErrnoException) => (again && req.reusedSocket && err.code === 'ECONNRESET' ? send(false) : resolve(0)));
          req.end(shot.body);
        };
        send(true);
      });
    },
    close: () => agent.destroy(),
  };
}

/** Closed loop: `concurrency` workers post the shots back to back as fast as the server answers. */
export async function closedLoop(url: string, shots: readonly Shot[], concurrency: number): Promise<LoadResult> {
  const p = poster(url, concurrency);
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < shots.length; i = next++) {
        const s = performance.now();
        const status = await p.post(shots[i]!);
        lat.push(performance.now() - s);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  p.close();
  const result = { sent: shots.length, ok: statuses['200'] ?? 0, statuses, seconds, rps: Math.round(shots.length / seconds), latency: percentiles(lat) };
  // Kept off JSON.stringify: the samples are for pooling runs, not for results.json.
  return Object.defineProperty(result, 'samples', { value: lat, enumerable: false });
}

/**
 * Open loop at a fixed rate: shot i is due at t0 + i/rate and its latency counts from that moment, so a stalled
 * server is charged for the requests queued behind it (no coordinated omission). `onSent` gets each shot's due time.
 */
export async function openLoop(url: string, shots: readonly Shot[], rate: number, onDue?: (i: number, dueAt: number) => void): Promise<LoadResult> {
  const p = poster(url, 256);
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < shots.length; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    onDue?.(i, due);
    pending.push(
      p.post(shots[i]!).then((status) => {
        lat.push(performance.now() - due);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  p.close();
  return { sent: shots.length, ok: statuses['200'] ?? 0, statuses, seconds, rps: Math.round(shots.length / seconds), latency: percentiles(lat) };
}
