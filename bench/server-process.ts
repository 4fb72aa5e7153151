import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where `src/main.ts` lives. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the bench's own server entries are compiled: inside node_modules, so their imports resolve as dist/'s do. */
export const BENCH_OUT = join(ROOT, 'node_modules/.cache/duban-bench');

/** How a server process runs: TypeScript through tsx (`npm run dev`), or tsc's output with plain node. */
export type Runtime = 'tsx' | 'compiled';

/** The flags of the README's systemd unit, which the compiled runs use: the deployment as documented. */
export const NODE_FLAGS = ['--enable-source-maps', '--max-old-space-size=256'];

/** The JavaScript `node` runs for `entry` (a .ts path from the repo root): npm start's dist/ for the product. */
export function compiledPath(entry: string): string {
  const js = entry.replace(/\.ts$/, '.js');
  return entry.startsWith('bench/') ? join(BENCH_OUT, js) : join(ROOT, 'dist', js);
}

/** A server running in its own process, so its memory and CPU are its own. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 from /healthz. */
  startMs: number;
  /** Resident set size now and at its peak, in MB, from /proc. */
  memory(): { rssMb: number; peakMb: number };
  /** CPU time the process has used so far (user and system), in ms, from /proc. */
  cpuMs(): number;
  /** SIGTERM and wait for the exit (a clean shutdown writes the snapshot). */
  stop(): Promise<void>;
  /** SIGKILL: no cleanup at all. */
  kill(): Promise<void>;
  child: ChildProcess;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Runs `entry` (a .ts path from the repo root) under tsx or compiled (see Runtime; `nodeFlags` replaces NODE_FLAGS), and waits until /healthz answers 200. */
export async function startServer(entry: string, env: Record<string, string>, opts: { runtime: Runtime; timeoutMs?: number; healthPath?: string; nodeFlags?: readonly string[] }): Promise<ServerProcess> {
  const port = await freePort();
  const t0 = performance.now();
  const args = opts.runtime === 'compiled' ? [...(opts.nodeFlags ?? NODE_FLAGS), compiledPath(entry)] : ['--import', 'tsx', entry];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = t0 + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}: ${stderr}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} not healthy in time: ${stderr}`);
    }
    const ok = await fetch(url + (opts.healthPath ?? '/healthz'))
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const startMs = performance.now() - t0;
  return {
    url,
    pid: child.pid!,
    startMs,
    child,
    memory: () => procMemory(child.pid!),
    cpuMs: () => procCpuMs(child.pid!),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** VmRSS and VmHWM of a process, in MB. */
export function procMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

// /proc/<pid>/stat counts in clock ticks, 100 a second on Linux (USER_HZ, fixed whatever the kernel's own HZ).
const USER_HZ = 100;

/** CPU time (user and system) a process has used, in ms, from /proc/<pid>/stat. */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

/** CPU time all processes named `name` (e.g. the PostgreSQL server's) have used, in ms; 0 where none runs here. */
export function namedCpuMs(name: string): number {
  let ms = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name) ms += procCpuMs(Number(pid));
    } catch {
      // The process ended while being read.
    }
  }
  return ms;
}

/**
 * The machine's CPU time so far, in ms over all cores, from /proc/stat: busy, idle, and stolen (a virtual machine's
 * cores taken by the host for other guests, which no figure of this machine's own load shows).
 */
export function machineCpuMs(): { busy: number; idle: number; steal: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number) as number[];
  const ms = (ticks: number) => (ticks * 1000) / USER_HZ;
  return { busy: ms(user! + nice! + system! + irq! + softirq!), idle: ms(idle! + iowait!), steal: ms(steal!) };
}
