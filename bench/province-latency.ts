import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenPlatform } from '../src/sandbox/open-platform.js';
import { serverEnv } from './env.js';
import { percentiles, poster, type Latency, type LoadResult, type Shot } from './load.js';
import { BENCH_BOT, BENCH_KEYS, buildEvents } from './payloads.js';
import type { ScaleManifest } from './scale-store.js';
import { summarisePauses, type Pause } from './pause-log.js';
import { machineCpuMs, namedCpuMs, startServer, type ServerProcess } from './server-process.js';

/**
 * The node flags of the province replicas: the unit's, with a heap that holds a province (the store is in memory), and
 * `BENCH_NODE_FLAGS` (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) for finding out where a replica's time goes.
 */
export const REPLICA_FLAGS = ['--enable-source-maps', '--max-old-space-size=4096', ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)];

/** One replica's start: spawn to healthy, opening the store alone, RSS after opening, after the run and at its peak. */
export interface ReplicaFigures {
  startMs: number;
  loadMs: number;
  /** The full collection after opening (src/load-garbage.ts) and the RSS before it. */
  loadGcMs: number;
  rssBeforeGcMb: number;
  rssLoadedMb: number;
  rssAfterMb: number;
  peakMb: number;
  sender: boolean;
  /** GC pauses and event-loop stalls (over 20 ms) during the timed run, by kind: what its p99 is made of. */
  pauses: ReturnType<typeof summarisePauses>;
  /** CPU time (user and system) it used during the timed run. */
  cpuMs: number;
  /** SIGTERM to exit, the three stopped together. */
  stopMs: number;
}

/** End-to-end figures over the replicas, with the events posted to the sender replica and to the others apart. */
export interface ReplicaLatency {
  rate: number;
  seconds: number;
  events: number;
  replies: number;
  latency: Latency;
  /** Events posted to the replica holding the sender lease: their replies leave at once. */
  toSender: Latency;
  /** Events posted to the other replicas: their replies wait for the sender's next look at the outbox. */
  toOthers: Latency;
  byCommand: Record<string, Latency>;
  ack: Latency;
  ackStatuses: Record<string, number>;
  replicas: ReplicaFigures[];
  /**
   * CPU time used during the timed run, in ms: by the replicas together, by the PostgreSQL server's processes (those
   * running at both ends), and by this process (the load and the fake platform). Less at the mercy of other work on
   * the machine than the latencies are: what an event costs, whoever else wants the cores. And the machine's: busy,
   * idle, and stolen by the host for other virtual machines (the same code's p99 went from 133 ms to 1.7 s between two
   * runs twenty minutes apart).
   */
  cpu: { replicasMs: number; postgresMs: number; benchMs: number; replicaMsPerEvent: number; machineBusyMs: number; idleMs: number; stolenMs: number; windowMs: number };
}

/**
 * Starts `count` replicas on one database (compiled, one after another so each load is timed alone), then posts the
 * command mix at a fixed rate, shot i to replica i mod count (a round-robin balancer), timing each event from its
 * due moment to its reply at the fake platform (no coordinated omission: see load.ts openLoop).
 */
export async function runReplicaLatency(m: ScaleManifest, databaseUrl: string, opts: { count: number; rate: number; seconds: number; appRate: number; tag: string; extra?: Record<string, string> }): Promise<ReplicaLatency> {
  const platform = createOpenPlatform({ appId: BENCH_KEYS.appId, appSecret: BENCH_KEYS.appSecret, botOpenId: BENCH_BOT });
  const fake = await platform.listen();
  const dir = mkdtempSync(join(tmpdir(), 'duban-replicas-'));
  const bots: ServerProcess[] = [];
  const loads: { loadMs: number; gcMs: number; rawRssMb: number; rssMb: number }[] = [];
  try {
    for (let i = 0; i < opts.count; i++) {
      const loadFile = join(dir, `load-${i}.json`);
      const env = serverEnv({ platformUrl: fake.url, dataFile: join(dir, 'unused.json'), extra: { ...opts.extra, DUBAN_DATABASE_URL: databaseUrl, BENCH_APP_RATE: String(opts.appRate), BENCH_LOAD_FILE: loadFile, BENCH_PAUSE_FILE: join(dir, `pauses-${i}.json`) } });
      bots.push(await startServer('bench/province-server.ts', env, { runtime: 'compiled', timeoutMs: 180_000, nodeFlags: REPLICA_FLAGS }));
      loads.push(JSON.parse(readFileSync(loadFile, 'utf8')) as (typeof loads)[number]);
    }
    const sender = await Promise.all(bots.map((b) => fetch(b.url + '/healthz').then((r) => r.json() as Promise<{ sender?: boolean }>).then((h) => h.sender === true)));
    const events = buildEvents(m, opts.rate * opts.seconds, opts.tag, 7);
    const due = new Map<string, { at: number; command: string; replica: number }>();
    const all: number[] = [];
    const toSender: number[] = [];
    const toOthers: number[] = [];
    const byCommand: Record<string, number[]> = {};
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    platform.on('message', (msg) => {
      const d = msg.replyTo ? due.get(msg.replyTo) : undefined;
      if (!d) return;
      due.delete(msg.replyTo!);
      const ms = performance.now() - d.at;
      all.push(ms);
      (sender[d.replica] ? toSender : toOthers).push(ms);
      (byCommand[d.command] ??= []).push(ms);
      if (all.length === events.length) finish();
    });
    const runFrom = Date.now();
    const cpuFrom = { replicas: bots.map((b) => b.cpuMs()), postgres: namedCpuMs('postgres'), bench: process.cpuUsage(), machine: machineCpuMs() };
    const ack = await roundRobin(
      bots.map((b) => b.url + '/webhook/event'),
      events.map((e) => e.shot),
      opts.rate,
      (i, at) => due.set(events[i]!.messageId, { at, command: events[i]!.command, replica: i % bots.length }),
    );
    await Promise.race([done, new Promise((r) => setTimeout(r, 30_000).unref())]);
    const runTo = Date.now();
    const replicaCpu = bots.map((b, i) => b.cpuMs() - cpuFrom.replicas[i]!);
    const replicasMs = replicaCpu.reduce((a, b) => a + b, 0);
    const bench = process.cpuUsage(cpuFrom.bench);
    const machine = machineCpuMs();
    const cpu = {
      replicasMs: Math.round(replicasMs),
      machineBusyMs: Math.round(machine.busy - cpuFrom.machine.busy),
      idleMs: Math.round(machine.idle - cpuFrom.machine.idle),
      stolenMs: Math.round(machine.steal - cpuFrom.machine.steal),
      windowMs: runTo - runFrom,
      postgresMs: Math.round(namedCpuMs('postgres') - cpuFrom.postgres),
      benchMs: Math.round((bench.user + bench.system) / 1000),
      replicaMsPerEvent: Math.round((replicasMs / events.length) * 100) / 100,
    };
    const memory = bots.map((b) => b.memory());
    // All three at once, as a whole deployment stops (a snapshot only if one is due, by whichever holds the lock).
    const stopMs = await Promise.all(
      bots.map(async (b) => {
        const t = performance.now();
        await b.stop();
        return Math.round(performance.now() - t);
      }),
    );
    const pauses = bots.map((_b, i) => summarisePauses(JSON.parse(readFileSync(join(dir, `pauses-${i}.json`), 'utf8')) as Pause[], runFrom, runTo));
    const replicas = bots.map((b, i) => ({ startMs: Math.round(b.startMs), loadMs: loads[i]!.loadMs, loadGcMs: loads[i]!.gcMs, rssBeforeGcMb: loads[i]!.rawRssMb, rssLoadedMb: loads[i]!.rssMb, rssAfterMb: memory[i]!.rssMb, peakMb: memory[i]!.peakMb, sender: sender[i]!, pauses: pauses[i]!, cpuMs: Math.round(replicaCpu[i]!), stopMs: stopMs[i]! }));
    return {
      rate: opts.rate,
      seconds: opts.seconds,
      events: events.length,
      replies: all.length,
      latency: percentiles(all),
      toSender: percentiles(toSender),
      toOthers: percentiles(toOthers),
      byCommand: Object.fromEntries(Object.entries(byCommand).map(([k, v]) => [k, percentiles(v)])),
      ack: ack.latency,
      ackStatuses: ack.statuses,
      replicas,
      cpu,
    };
  } finally {
    await Promise.all(bots.map((b) => b.stop()));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** load.ts's open loop with shot i sent to `urls[i % urls.length]`. */
async function roundRobin(urls: readonly string[], shots: readonly Shot[], rate: number, onDue: (i: number, dueAt: number) => void): Promise<LoadResult> {
  const posters = urls.map((u) => poster(u, 128));
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < shots.length; i++) {
    const at = t0 + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    onDue(i, at);
    pending.push(
      posters[i % posters.length]!.post(shots[i]!).then((status) => {
        lat.push(performance.now() - at);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  for (const p of posters) p.close();
  return { sent: shots.length, ok: statuses['200'] ?? 0, statuses, seconds, rps: Math.round(shots.length / seconds), latency: percentiles(lat) };
}
