import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errorText, StoreUnavailableError } from '../errors.js';
import type { FileArea } from '../store.js';

/**
 * Files to send (exports) kept beside the data file in `<data file>.files/`, one per put: written and
 * fsynced before the message that names them is committed, so a crash never leaves a queued message without its bytes.
 */
export function lowdbFileArea(dataFile: string, readOnly: boolean, area: 'files' | 'evidence' = 'files'): FileArea {
  const dir = `${dataFile}.${area}`;
  const pathOf = (key: string) => {
    // Keys are made here; anything else (a path, `..`) is refused rather than read.
    if (!/^[0-9a-f]{32}$/.test(key)) throw new Error(`not a file key: ${key}`);
    return join(dir, `${key}.bin`);
  };
  return {
    async put(bytes) {
      if (readOnly) throw new Error('store is open read-only');
      // A key of its own per file, never the content's hash: two queued messages with the same bytes are dropped apart.
      const key = randomBytes(16).toString('hex');
      const tmp = `${pathOf(key)}.${process.pid}.tmp`;
      try {
        await mkdir(dir, { recursive: true });
        const fh = await open(tmp, 'w');
        try {
          await fh.writeFile(bytes);
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(tmp, pathOf(key));
        const d = await open(dir, 'r');
        try {
          await d.sync();
        } finally {
          await d.close();
        }
        return key;
      } catch (err) {
        // A full disk is the store being unavailable, as for the data log: the event is retried, not answered 内部错误.
        await unlink(tmp).catch(() => undefined);
        throw new StoreUnavailableError(`could not write ${dir} (${errorText(err)})`, { cause: err });
      }
    },
    async read(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async drop(key) {
      if (readOnly) return;
      await unlink(pathOf(key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    },
  };
}
