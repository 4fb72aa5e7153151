import { PerformanceObserver, constants } from 'node:perf_hooks';

/** A pause a replica saw: when it began (ms since the epoch, comparable across processes), how long, and what. */
export interface Pause {
  at: number;
  ms: number;
  kind: 'gc-minor' | 'gc-major' | 'gc-incremental' | 'gc-weak' | 'loop';
}

/** Event-loop stalls shorter than this are not kept (the sampler's own 10 ms tick is not a stall). */
const STALL_MS = 20;

/**
 * Records the process's GC pauses and event-loop stalls (a 10 ms timer fired late by more than STALL_MS) with their
 * wall-clock start, so the bench can count those inside its timed run and say what a replica's p99 is made of.
 */
export function recordPauses(): () => Pause[] {
  const pauses: Pause[] = [];
  const kinds: Record<number, Pause['kind']> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'gc-minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'gc-major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'gc-incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'gc-weak',
  };
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kinds[((e as { detail?: { kind?: number } }).detail)?.kind ?? -1] ?? 'gc-major';
      pauses.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, kind });
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    const late = now - last - 10;
    if (late > STALL_MS) pauses.push({ at: performance.timeOrigin + last + 10, ms: late, kind: 'loop' });
    last = now;
  }, 10);
  tick.unref();
  return () => {
    gc.disconnect();
    clearInterval(tick);
    return pauses;
  };
}

/** What the pauses between `from` and `to` (ms since the epoch) add up to, by kind: count, total and longest. */
export function summarisePauses(pauses: readonly Pause[], from: number, to: number): Record<string, { count: number; totalMs: number; maxMs: number }> {
  const out: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
  for (const p of pauses) {
    if (p.at < from || p.at > to) continue;
    const s = (out[p.kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    s.count++;
    s.totalMs += p.ms;
    s.maxMs = Math.max(s.maxMs, p.ms);
  }
  for (const s of Object.values(out)) [s.totalMs, s.maxMs] = [Math.round(s.totalMs), Math.round(s.maxMs)];
  return out;
}
