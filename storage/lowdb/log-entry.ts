import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { StoreOpenError } from '../errors.js';

/** One transaction as the write-ahead log holds it. */
export interface LogEntry<Op = unknown> {
  tx: number;
  ops: Op[];
}

/** A short checksum of a line's text: a flipped byte must read as damage, never as different data. */
export function checksum(text: string | Buffer): string {
  return createHash('md5').update(text).digest('hex').slice(0, 16);
}

/** `<checksum> <json>`: one line per transaction, without the newline. */
export function encodeEntry(entry: LogEntry): string {
  const json = JSON.stringify(entry);
  return `${checksum(json)} ${json}`;
}

/** What a log file holds: its entries, and how many bytes of it are whole lines (the rest is a torn tail). */
export interface ReadLog<Op> {
  entries: LogEntry<Op>[];
  goodBytes: number;
  tornBytes: number;
}

/**
 * Reads a log file. Bytes after the last newline are a torn write that was never acknowledged (its fsync never
 * returned) and are reported, not read. Any whole line that fails its checksum or does not parse is damage: the file
 * is refused with its name, the line and what to do, because reading on would silently drop what follows.
 */
export async function readLogFile<Op>(file: string): Promise<ReadLog<Op>> {
  const buf = await readFile(file);
  const end = buf.lastIndexOf(10) + 1;
  const entries: LogEntry<Op>[] = [];
  let from = 0;
  let lineNo = 0;
  while (from < end) {
    const nl = buf.indexOf(10, from);
    lineNo++;
    const line = buf.toString('utf8', from, nl);
    if (line.length > 0) {
      const entry = decodeLine<Op>(line);
      if (!entry) {
        throw new StoreOpenError(
          `data log ${file} is damaged at line ${lineNo} (byte ${from}); Duban will not start on a partial ledger. ` +
            `Keep a copy of the whole data directory, then restore it from a backup, or cut the log at the damage with ` +
            `\`truncate -s ${from} ${file}\` (the transactions from line ${lineNo} on are then lost) and start again.`,
        );
      }
      entries.push(entry);
    }
    from = nl + 1;
  }
  return { entries, goodBytes: end, tornBytes: buf.length - end };
}

function decodeLine<Op>(line: string): LogEntry<Op> | undefined {
  try {
    // Logs written before checksums: a bare JSON object per line.
    if (line.startsWith('{')) return asEntry<Op>(JSON.parse(line));
    const space = line.indexOf(' ');
    const json = line.slice(space + 1);
    if (space !== 16 || line.slice(0, space) !== checksum(json)) return undefined;
    return asEntry<Op>(JSON.parse(json));
  } catch {
    return undefined;
  }
}

function asEntry<Op>(v: unknown): LogEntry<Op> | undefined {
  const e = v as LogEntry<Op>;
  return e && Number.isSafeInteger(e.tx) && e.tx > 0 && Array.isArray(e.ops) ? e : undefined;
}
