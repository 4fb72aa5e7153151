import * as zlib from 'node:zlib';
import { once } from 'node:events';

/** One file being written into the archive: text goes in as it is produced and is compressed off the main thread. */
export interface ZipEntryWriter {
  write(data: string | Buffer): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  name: Buffer;
  crc: number;
  size: number;
  compressed: number;
  offset: number;
}

// Node 20.12–20.14 lack zlib.crc32 (a named import of it would fail to link there); a table CRC keeps those working.
const nodeCrc32 = (zlib as { crc32?: (data: Buffer, value: number) => number }).crc32;
const TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32: (data: Buffer, value: number) => number =
  typeof nodeCrc32 === 'function'
    ? nodeCrc32
    : (data, value) => {
        let c = ~value;
        for (const byte of data) c = TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
        return ~c >>> 0;
      };

const WRITE_WINDOW = 1024 * 1024;

/** A zip archive built in memory, one deflated entry at a time, holding only compressed bytes. */
export class ZipWriter {
  private readonly chunks: Buffer[] = [];
  private readonly entries: Entry[] = [];
  private offset = 0;

  /** Starts an entry; entries must be written one after another, each closed before the next opens. */
  open(name: string): ZipEntryWriter {
    // Level 1 compresses the ledgers' repetitive XML 3× faster than the default 6 for a file ~35% larger. A write
    // window of several chunks lets the next rows be built while the pool compresses the last ones; with the default
    // 16 KB every chunk waited for its own compression.
    // zlib streams pass stream options through to their Transform; the typings list only zlib's own.
    const deflate = zlib.createDeflateRaw({ level: 1, chunkSize: 64 * 1024, ...({ writableHighWaterMark: WRITE_WINDOW } as zlib.ZlibOptions) });
    const body: Buffer[] = [];
    let crc = 0;
    let size = 0;
    let compressed = 0;
    deflate.on('data', (c: Buffer) => {
      body.push(c);
      compressed += c.length;
    });
    const ended = once(deflate, 'end');
    return {
      write: async (data) => {
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        crc = crc32(bytes, crc);
        size += bytes.length;
        if (!deflate.write(bytes)) await once(deflate, 'drain');
      },
      close: async () => {
        deflate.end();
        await ended;
        this.add({ name: Buffer.from(name, 'utf8'), crc, size, compressed, offset: this.offset }, body);
      },
    };
  }

  /** Adds a small entry whole. */
  async file(name: string, text: string): Promise<void> {
    const entry = this.open(name);
    await entry.write(text);
    await entry.close();
  }

  /** The central directory closes the archive; the writer is spent afterwards. */
  finish(): Buffer {
    const start = this.offset;
    for (const e of this.entries) this.push(centralHeader(e), e.name);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    this.push(end);
    return Buffer.concat(this.chunks);
  }

  private add(e: Entry, body: Buffer[]): void {
    this.entries.push(e);
    this.push(localHeader(e), e.name, ...body);
  }

  private push(...bufs: Buffer[]): void {
    for (const b of bufs) {
      this.chunks.push(b);
      this.offset += b.length;
    }
  }
}

// 1980-01-01 00:00, the zip epoch: the bytes of an export depend only on its content.
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

function localHeader(e: Entry): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x0800, 6); // names are UTF-8
  h.writeUInt16LE(8, 8); // deflate
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(e.crc, 14);
  h.writeUInt32LE(e.compressed, 18);
  h.writeUInt32LE(e.size, 22);
  h.writeUInt16LE(e.name.length, 26);
  return h;
}

function centralHeader(e: Entry): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0x0800, 8);
  h.writeUInt16LE(8, 10);
  h.writeUInt16LE(0, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(e.crc, 16);
  h.writeUInt32LE(e.compressed, 20);
  h.writeUInt32LE(e.size, 24);
  h.writeUInt16LE(e.name.length, 28);
  h.writeUInt32LE(e.offset, 42);
  return h;
}
