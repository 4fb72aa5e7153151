import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StoreOpenError } from '../errors.js';

/** A held lock; release() removes the lock file. */
export interface FileLock {
  release(): Promise<void>;
}

/** Whether a process with this pid is running here (EPERM means it runs under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<file>.lock` exclusively for this process: a second process on the same data file would rotate the log
 * under the first and reuse its record numbers. A lock left by a process that is gone (kill -9, power cut) is taken
 * over; one held by a live process is a refusal naming the file and the holder's pid.
 */
export async function lockDataFile(file: string): Promise<FileLock> {
  const path = `${file}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }) + '\n');
      await fh.sync();
      await fh.close();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readFile(path, 'utf8').then((t) => JSON.parse(t) as { pid?: number; host?: string }, () => undefined);
    const pid = holder?.pid;
    // Our own pid in the file is a lock left before a restart that reused it (a container's pid 1).
    // A holder on another host (a shared disk) cannot be checked from here, so it counts as alive.
    const otherHost = holder?.host !== undefined && holder.host !== hostname();
    if (typeof pid === 'number' && (otherHost || (pid !== process.pid && alive(pid)))) {
      throw new StoreOpenError(
        `data file ${file} is in use by another Duban process (pid ${pid}${otherHost ? ` on ${holder!.host}` : ''}, lock file ${path}). ` +
          `Only one process may open a data file: stop that process first. If no such process is running, delete ${path} and start again.`,
      );
    }
    // Gone: the lock is stale. Remove it and try again (another starter may race us; 'wx' decides).
    await unlink(path).catch(() => undefined);
  }
  throw new StoreOpenError(`could not take the lock ${path} for data file ${file}: another process keeps taking it`);
}
