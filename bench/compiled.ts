import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BENCH_OUT, ROOT } from './server-process.js';

/** The bench's server entries that run as their own processes, compiled like the product for the compiled runs. */
const ENTRIES = ['bench/app-server.ts', 'bench/baseline-server.ts', 'bench/province-server.ts'];

/** Brings dist/ up to date as `npm start` would and compiles the bench's server entries with the same settings. */
export function buildCompiled(): void {
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status ?? r.signal}`);
  };
  run([join(ROOT, 'scripts/build.mjs'), '--if-stale']);
  mkdirSync(BENCH_OUT, { recursive: true });
  const config = join(BENCH_OUT, 'tsconfig.json');
  const settings = { extends: join(ROOT, 'tsconfig.build.json'), compilerOptions: { rootDir: ROOT, outDir: BENCH_OUT }, files: ENTRIES.map((e) => join(ROOT, e)), include: [] };
  writeFileSync(config, JSON.stringify(settings, null, 2));
  run([createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc'), '-p', config]);
}
