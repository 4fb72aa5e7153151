// Builds dist/: the TypeScript of src/, commands/ and storage/ emitted by tsc with source maps, and the sandbox
// page's static files beside the compiled page-files.js. Plain JavaScript (no tsx), so `npm start` can run it
// before anything is compiled. `--if-stale` (npm's prestart) builds only when dist/ is missing or older than a
// source file; `npm install` builds unconditionally (npm's prepare).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist');
/** Its mtime is the moment the build that made dist/ started: a source saved after that makes dist/ stale. */
const STAMP = join(OUT, '.built');
const LOCK = join(ROOT, 'dist.lock');
const INPUTS = ['src', 'commands', 'storage', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/build.mjs'];

/** The newest mtime under `path` (directories count: a deleted or renamed file changes its folder's). */
function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const name of readdirSync(path)) m = Math.max(m, newest(join(path, name)));
  return m;
}

function stale() {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.some((p) => newest(join(ROOT, p)) > built);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** One build at a time: bots started side by side (the fault suite does) wait for the first one's build. */
function lock() {
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(LOCK, 'utf8'));
      // A build killed mid-way (SIGKILL to its process group) leaves its lock behind.
      if (holder && !alive(holder)) rmSync(LOCK, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

/** Emits into a folder of its own and swaps it in whole, so a start never sees half a build. */
async function build() {
  const started = new Date();
  const tmp = `${OUT}.tmp-${process.pid}`;
  let tsc;
  try {
    tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('Duban: cannot build dist/: the typescript package is not installed (run `npm install` first).\n');
    process.exit(1);
  }
  // Leftovers of a build killed outright (SIGKILL leaves no chance to clean up).
  for (const name of readdirSync(ROOT)) {
    const m = /^dist\.(?:tmp|old)-(\d+)$/.exec(name);
    if (m && !alive(Number(m[1]))) rmSync(join(ROOT, name), { recursive: true, force: true });
  }
  const child = spawn(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', tmp], { cwd: ROOT, stdio: 'inherit' });
  // SIGTERM to `npm start` while it builds (npm passes it on) stops the compiler too and leaves nothing behind.
  const stop = (signal) => {
    child.kill(signal);
    rmSync(tmp, { recursive: true, force: true });
    rmSync(LOCK, { force: true });
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.once('SIGTERM', stop).once('SIGINT', stop);
  const code = await new Promise((done) => child.once('exit', (c, sig) => done(c ?? sig)));
  process.off('SIGTERM', stop).off('SIGINT', stop);
  if (code !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(LOCK, { force: true });
    process.stderr.write(`Duban: the build failed (tsc exited with ${code}).\n`);
    process.exit(1);
  }
  // page-files.ts finds the page beside itself, so the compiled copy needs its own.
  cpSync(join(ROOT, 'src/sandbox/page'), join(tmp, 'src/sandbox/page'), { recursive: true });
  writeFileSync(join(tmp, '.built'), '');
  utimesSync(join(tmp, '.built'), started, started);
  const old = `${OUT}.old-${process.pid}`;
  if (existsSync(OUT)) renameSync(OUT, old);
  renameSync(tmp, OUT);
  rmSync(old, { recursive: true, force: true });
}

const ifStale = process.argv.includes('--if-stale');
if (!ifStale || stale()) {
  lock();
  try {
    if (!ifStale || stale()) {
      const t0 = Date.now();
      if (ifStale) process.stderr.write('Duban: sources changed since the last build; building dist/ …\n');
      await build();
      process.stderr.write(`Duban: built dist/ in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    rmSync(LOCK, { force: true });
  }
}
