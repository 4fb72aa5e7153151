import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Bot, createRunDir, sleep } from '../support/spawn-bot.js';

const REPO = resolve(import.meta.dirname, '../..');
const bots: Bot[] = [];
afterAll(async () => {
  for (const b of bots) await b.waitExit(0);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts connections on the port (the old server, if it outlived the stop). */
function answers(url: string): Promise<boolean> {
  return fetch(`${url}/healthz`).then(
    () => true,
    () => false,
  );
}

describe('npm start runs the compiled server and stops with its supervisor', () => {
  it('serves from dist/ with plain node; SIGTERM to npm start stops everything below it, exit 0, port free', async () => {
    const bot = await Bot.start(createRunDir());
    bots.push(bot);
    // A first start may build dist/ (prestart) when a source is newer than the last build.
    await bot.waitHealthy(120_000);
    const below = bot.descendants();
    const server = bot.serverPid();
    const argv = readFileSync(`/proc/${server}/cmdline`, 'utf8').split('\0');
    expect(argv).toContain('dist/src/main.js');
    expect(argv.join(' ')).not.toMatch(/tsx/);
    // npm's sh execs the server, so nothing stands between npm and the server that would swallow the signal.
    expect(below.map((p) => p.exe)).toEqual(['node']);

    const exit = await bot.sigtermTop();
    expect(exit).toEqual({ code: 0, signal: null });
    for (let i = 0; i < 40 && below.some((p) => alive(p.pid)); i++) await sleep(50);
    expect(below.filter((p) => alive(p.pid))).toEqual([]);
    expect(await answers(bot.url)).toBe(false);
    expect(bot.stdout + bot.stderr).toMatch(/"msg":"stopped"/);
  }, 180_000);

  it('a stack trace from the compiled code names the TypeScript file and line', () => {
    execFileSync(process.execPath, [join(REPO, 'scripts/build.mjs'), '--if-stale'], { stdio: 'ignore' });
    const config = pathToFileURL(join(REPO, 'dist/src/config.js')).href;
    const script = `import(${JSON.stringify(config)}).then((m) => { try { m.readConfig({ FEISHU_APP_ID: 'cli_x' }); } catch (e) { console.log(e.stack); } });`;
    const stack = execFileSync(process.execPath, ['--enable-source-maps', '-e', script], { encoding: 'utf8' });
    const line = readFileSync(join(REPO, 'src/config.ts'), 'utf8').split('\n').findIndex((l) => l.includes('throw new ConfigError')) + 1;
    expect(stack).toContain(`src/config.ts:${line}:`);
  }, 120_000);
});
