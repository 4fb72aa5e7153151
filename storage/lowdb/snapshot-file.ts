import { createHash } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { StoreOpenError } from '../errors.js';
import type { Rec, Snapshot } from './engine.js';

/**
 * Parsing gives every value its own string, so an open_id quoted by 100,000 records is held 100,000 times. Short
 * strings and Feishu ids (`ou_…`, `oc_…`: 35 characters) are shared instead; on the scale store that is a third of
 * the heap. Record ids and long text are unique anyway and left alone.
 */
function sharer(): (r: Rec) => Rec {
  const pool = new Map<string, string>();
  const walk = (o: Record<string, unknown>, depth: number): void => {
    for (const k in o) {
      const v = o[k];
      if (typeof v === 'string') {
        if (k !== 'id' && (v.length <= 12 || (v.length === 35 && v.charCodeAt(2) === 95))) {
          const had = pool.get(v);
          if (had === undefined) pool.set(v, v);
          else o[k] = had;
        }
      } else if (depth < 2 && typeof v === 'object' && v !== null) walk(v as Record<string, unknown>, depth + 1);
    }
  };
  return (r) => {
    walk(r as unknown as Record<string, unknown>, 0);
    return r;
  };
}

/** How much of the file is read at a time. */
const READ_BYTES = 4 << 20;

/** How much text is gathered before one write; each write lets the event loop run. */
const SLICE_BYTES = 512 * 1024;

/** The snapshot's last line: closes the collections, carries the checksum of every byte before it, closes the root. */
const SUM_LINE = /^\},"sum":"([0-9a-f]{32})"\}$/;

/**
 * lowdb adapter for the snapshot. The file is ordinary JSON (any JSON reader, lowdb's own included, can read it)
 * laid out with one record per line, so writing it is a series of small slices that never block the event loop
 * for long, and reading it parses one line at a time instead of holding the whole text and its tree at once.
 * A file in any other layout (an older compact snapshot) is read whole.
 */
export class SnapshotFile implements Adapter<Snapshot> {
  constructor(private readonly file: string) {}

  /** Bytes of the last snapshot read or written, so the engine can size its log against it. */
  bytes = 0;

  /** Reads the snapshot; null only when there is no file. A file that exists but cannot be read whole is refused. */
  async read(): Promise<Snapshot | null> {
    try {
      return await this.readChecked();
    } catch (e) {
      if (e instanceof StoreOpenError) throw e;
      throw this.damaged(`cannot be read (${(e as Error).message})`);
    }
  }

  private damaged(what: string): StoreOpenError {
    return new StoreOpenError(
      `data file ${this.file} ${what}. Duban will not start with an empty or partial bureau. ` +
        `Keep a copy of the data directory, then restore ${basename(this.file)} from a backup. ` +
        `Only if you mean to start a new, empty ledger: move ${basename(this.file)} and its .wal files out of the directory.`,
    );
  }

  private async readChecked(): Promise<Snapshot | null> {
    let fh;
    try {
      fh = await open(this.file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const shared = sharer();
    const hash = createHash('md5');
    let snap: Snapshot | undefined;
    let list: Rec[] | undefined;
    let done = false;
    const take = (line: string): boolean => {
      if (done) {
        if (line !== '') throw this.damaged('has data after its end');
      } else if (!snap) {
        if (!line.startsWith('{"schemaVersion":') || !line.endsWith('"collections":{')) return false;
        const head = JSON.parse(line + '}}') as Snapshot;
        snap = { schemaVersion: head.schemaVersion, lastTx: head.lastTx, counters: head.counters, collections: {} };
        if (head.mode !== undefined) snap.mode = head.mode;
      } else if (list) {
        if (line === ']' || line === '],') list = undefined;
        else list.push(shared(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as Rec));
      } else if (line === '}}') {
        // Written before snapshots carried a checksum.
        done = true;
      } else if (SUM_LINE.test(line)) {
        if (SUM_LINE.exec(line)![1] !== hash.digest('hex')) throw this.damaged('is damaged (its checksum does not match its contents)');
        done = true;
      } else if (line.endsWith(':[')) {
        list = snap.collections[JSON.parse(line.slice(0, -2)) as string] = [];
      } else if (line !== '') {
        throw new Error(`unexpected line in snapshot ${this.file}`);
      }
      return true;
    };
    try {
      this.bytes = (await fh.stat()).size;
      // Lines are cut from raw bytes (a newline byte never occurs inside a UTF-8 character), then decoded one by one.
      const chunk = Buffer.allocUnsafe(READ_BYTES);
      let rest = Buffer.alloc(0);
      for (;;) {
        const { bytesRead } = await fh.read(chunk, 0, READ_BYTES, null);
        if (bytesRead === 0) break;
        const buf = rest.length ? Buffer.concat([rest, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
        let from = 0;
        for (let nl = buf.indexOf(10, from); nl >= 0; nl = buf.indexOf(10, from)) {
          if (!take(buf.toString('utf8', from, nl))) return this.readWhole();
          if (!done) hash.update(buf.subarray(from, nl + 1));
          from = nl + 1;
        }
        rest = Buffer.from(buf.subarray(from));
      }
      if (rest.length && !take(rest.toString('utf8'))) return this.readWhole();
    } finally {
      await fh.close();
    }
    if (!snap) throw this.damaged(this.bytes === 0 ? 'is empty (0 bytes)' : 'holds no snapshot');
    if (!done) throw this.damaged('is truncated (it ends before its last line)');
    return snap;
  }

  /** An older compact snapshot, read whole. */
  private async readWhole(): Promise<Snapshot | null> {
    const text = await readFile(this.file, 'utf8');
    if (text.trim() === '') throw this.damaged(text.length === 0 ? 'is empty (0 bytes)' : 'holds only whitespace');
    let snap: Snapshot;
    try {
      snap = JSON.parse(text) as Snapshot;
    } catch {
      throw this.damaged('is not valid JSON');
    }
    if (typeof snap !== 'object' || snap === null || typeof snap.lastTx !== 'number' || typeof snap.collections !== 'object') {
      throw this.damaged('is not a Duban snapshot');
    }
    return snap;
  }

  /** Writes to a temporary file in slices, syncs it and renames it over the snapshot (atomic on POSIX). */
  async write(data: Snapshot): Promise<void> {
    const tmp = join(dirname(this.file), `.${basename(this.file)}.tmp`);
    const fh = await open(tmp, 'w');
    const hash = createHash('md5');
    let bytes = 0;
    try {
      let parts: string[] = [];
      let size = 0;
      const put = async (s: string, force = false) => {
        parts.push(s);
        size += s.length;
        if (size < SLICE_BYTES && !force) return;
        const buf = Buffer.from(parts.join(''), 'utf8');
        parts = [];
        size = 0;
        bytes += buf.length;
        hash.update(buf);
        for (let at = 0; at < buf.length; ) at += (await fh.write(buf, at)).bytesWritten;
      };
      const head = JSON.stringify({ schemaVersion: data.schemaVersion, lastTx: data.lastTx, mode: data.mode, counters: data.counters });
      await put(`${head.slice(0, -1)},"collections":{\n`);
      const names = Object.keys(data.collections);
      for (const [i, name] of names.entries()) {
        await put(`${JSON.stringify(name)}:[\n`);
        const list = data.collections[name]!;
        for (let j = 0; j < list.length; j++) await put(JSON.stringify(list[j]) + (j < list.length - 1 ? ',\n' : '\n'));
        await put(i < names.length - 1 ? '],\n' : ']\n');
      }
      await put('', true);
      const end = Buffer.from(`},"sum":"${hash.digest('hex')}"}\n`, 'utf8');
      bytes += end.length;
      await fh.write(end);
      await fh.datasync();
    } catch (err) {
      // A half-written temporary file would only hold the space a full disk needs back.
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await fh.close();
    await rename(tmp, this.file);
    const dir = await open(dirname(this.file), 'r');
    await dir.sync().finally(() => dir.close());
    this.bytes = bytes;
  }
}
