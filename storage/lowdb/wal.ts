import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

// Each write is on disk when it returns (O_DSYNC): one trip to the thread pool per batch instead of a write and then
// a datasync, each of which waited its own turn of an event loop busy with a report before the ack could go out.
const SYNCED = constants.O_DSYNC;
const APPEND = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | (SYNCED ?? 0);

/**
 * An append-only file where concurrent appends share one synced write (group commit); each append resolves
 * only once its line is on disk. After a failed write (a full disk) every later append fails too, until reset() has
 * cut the file back to its last durable byte: a transaction must never land after one it may depend on was lost.
 */
export class GroupCommitLog {
  private queue: { line: string; done: (err?: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  /** Bytes known to be on disk; everything after them is a failed or unfinished write. */
  private bytes = 0;
  private failure: unknown;

  private constructor(private readonly fh: FileHandle) {}

  /** Opens for appending; with `truncateTo`, first drops a torn tail beyond that byte. */
  static async open(path: string, opts: { truncateTo?: number } = {}): Promise<GroupCommitLog> {
    const fh = await open(path, APPEND, 0o666);
    const log = new GroupCommitLog(fh);
    const size = (await fh.stat()).size;
    if (opts.truncateTo !== undefined && opts.truncateTo < size) {
      await fh.truncate(opts.truncateTo);
      await fh.datasync();
      log.bytes = opts.truncateTo;
    } else {
      log.bytes = size;
    }
    return log;
  }

  append(line: string): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ line, done: (err) => (err ? reject(err) : resolve()) });
      this.flushing ??= this.flush();
    });
  }

  /** Size of the file in bytes, including lines still being flushed. */
  size(): number {
    return this.bytes + this.queue.reduce((n, q) => n + q.line.length, 0);
  }

  /** Whether a write failed and reset() has not yet run. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  /** Resolves once nothing is waiting to be written. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** After a failed write: removes whatever part of it reached the file, so the next append starts a clean line. */
  async reset(): Promise<void> {
    await this.idle();
    await this.fh.truncate(this.bytes);
    await this.fh.datasync();
    this.failure = undefined;
  }

  async close(): Promise<void> {
    await this.idle();
    await this.fh.close();
  }

  private async flush(): Promise<void> {
    // Appends made by the same callback join this batch; later ones queue while it is written and form the next.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      if (this.failure !== undefined) {
        for (const b of batch) b.done(this.failure);
        continue;
      }
      const buf = Buffer.from(batch.map((b) => b.line + '\n').join(''), 'utf8');
      try {
        // A write may stop short on a full disk; the rest is retried, and ENOSPC follows if there is no room.
        for (let at = 0; at < buf.length; ) at += (await this.fh.write(buf, at)).bytesWritten;
        if (SYNCED === undefined) await this.fh.datasync();
        this.bytes += buf.length;
        for (const b of batch) b.done();
      } catch (err) {
        this.failure = err;
        for (const b of batch) b.done(err);
      }
    }
    this.flushing = undefined;
  }
}
