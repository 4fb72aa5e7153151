import { open, type FileHandle } from 'node:fs/promises';

/**
 * An append-only file where concurrent appends share one write and one fsync (group commit);
 * each append resolves only once its line is on disk.
 */
export class GroupCommitLog {
  private queue: { line: string; done: (err?: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private bytes = 0;

  private constructor(private readonly fh: FileHandle) {}

  static async open(path: string): Promise<GroupCommitLog> {
    const fh = await open(path, 'a');
    const log = new GroupCommitLog(fh);
    log.bytes = (await fh.stat()).size;
    return log;
  }

  append(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line, done: (err) => (err ? reject(err) : resolve()) });
      this.flushing ??= this.flush();
    });
  }

  /** Size of the file in bytes, including lines still being flushed. */
  size(): number {
    return this.bytes + this.queue.reduce((n, q) => n + q.line.length, 0);
  }

  /** Resolves once nothing is waiting to be written. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    await this.idle();
    await this.fh.close();
  }

  private async flush(): Promise<void> {
    // Yield once so appends made in the same tick join this batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      const buf = Buffer.from(batch.map((b) => b.line + '\n').join(''), 'utf8');
      try {
        await this.fh.write(buf);
        await this.fh.datasync();
        this.bytes += buf.length;
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.done(err);
      }
    }
    this.flushing = undefined;
  }
}
