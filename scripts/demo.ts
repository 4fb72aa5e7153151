// npm run demo: builds a fresh demo bureau in ./data/demo.json (never the real data file) and starts the sandbox on it.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { openLowdbStore } from '../storage/lowdb/open.js';
import { buildDemo } from '../src/sandbox/demo-build.js';

const file = resolve('data/demo.json');
if (existsSync('.env')) process.loadEnvFile('.env');
if (process.env.FEISHU_APP_ID?.trim()) {
  process.stderr.write('npm run demo runs only in local mode: FEISHU_APP_ID is set (in the environment or .env). Unset it to try the demo.\n');
  process.exit(1);
}

// Always fresh: the demo's dates are relative to today, so yesterday's file would tell a stale story.
await mkdir(dirname(file), { recursive: true });
for (const f of await readdir(dirname(file))) if (f === basename(file) || f.startsWith(`${basename(file)}.`)) await rm(resolve(dirname(file), f));
const store = await openLowdbStore(file);
const s = await buildDemo(store, new Date());
await store.close();
process.stdout.write(
  `演示局已生成：${s.branches} 个支部、${s.people} 人、${s.problems} 个检视问题、${s.measures} 项整改措施、${s.studyRecords} 条学习与志愿记录（${file}，每次 npm run demo 重新生成）。\n` +
    `Demo bureau built in ${file}; first sending day for the jobs: ${s.firstSendingDay}.\n`,
);
process.env.DUBAN_DATA_FILE = file;
await import('../src/main.js');
