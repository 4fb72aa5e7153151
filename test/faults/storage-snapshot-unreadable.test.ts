import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenPlatform, type ListeningPlatform } from '../../src/sandbox/open-platform.js';
import { SANDBOX_PEOPLE } from '../../src/sandbox/roster.js';
import { newAppId, newEventId } from '../../src/sandbox/wire.js';
import { Bot, createRunDir, type BotOptions } from '../support/spawn-bot.js';
import { notARefusal } from './storage-support.js';

/** A snapshot as a real run writes it: the sandbox bureau and two study records, after a clean stop. */
let snapshot: Buffer;
beforeAll(async () => {
  const bot = await Bot.start(createRunDir());
  await bot.waitHealthy();
  const zhang = SANDBOX_PEOPLE.find((p) => p.name === '张三')!.openId;
  for (const tag of ['快照甲', '快照乙']) expect(await bot.send(bot.event(zhang, 'oc_sandbox_branch_1', `/学习 10分钟 自学 ${tag}`))).toBe(200);
  await bot.settle();
  await bot.sigterm();
  snapshot = readFileSync(bot.dataFile);
  expect(snapshot.toString().split('\n').length).toBeGreaterThan(10);
}, 120_000);

let platform: ListeningPlatform | undefined;
afterAll(async () => platform?.close());

/** Puts `content` where the defaults look for the data file, starts the bot there and reports what it did. */
async function startOn(content: Buffer | string, opts: BotOptions = {}) {
  const dir = createRunDir();
  const file = `${dir}/data/${opts.feishu ? 'duban' : 'sandbox'}.json`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  const bot = await Bot.start(dir, opts);
  const outcome = await bot.healthyOrExit();
  if (outcome === 'healthy') await bot.kill9();
  return { bot, outcome, file, left: readFileSync(file) };
}

/** The one assertion: no empty or partial bureau; a non-zero exit with stderr naming the file and the fix; the file untouched. */
function expectRefusal(run: Awaited<ReturnType<typeof startOn>>, content: Buffer | string): void {
  expect(run.outcome, `started healthy on an unreadable data file; stdout:\n${run.bot.stdout.slice(-600)}`).not.toBe('healthy');
  expect(run.outcome !== 'healthy' && run.outcome.code, 'exited by itself with an error').toBeGreaterThan(0);
  expect(notARefusal(run.bot.stderr, 'data/' + run.file.split('/').pop()), run.bot.stderr).toBeUndefined();
  expect(run.left.equals(Buffer.from(content)), 'the data file was changed by the refusal').toBe(true);
}

describe('a data file that exists but cannot be read: refuse to start, never an empty bureau', () => {
  const cases: [string, () => Buffer | string][] = [
    ['empty', () => ''],
    ['whitespace only', () => '  \n\t\n \n'],
    ['truncated inside its first line', () => snapshot.subarray(0, 20)],
    ['truncated in the middle of the records', () => snapshot.subarray(0, Math.floor(snapshot.length / 2))],
    ['truncated at a line boundary', () => snapshot.subarray(0, snapshot.lastIndexOf('\n', Math.floor(snapshot.length * 0.7)) + 1)],
  ];
  for (const [name, content] of cases) {
    it(`${name}: npm start in local mode exits non-zero naming ./data/sandbox.json`, async () => {
      expectRefusal(await startOn(content()), content());
    });
  }

  it('empty, in Feishu mode: npm start exits non-zero naming ./data/duban.json', async () => {
    const keys = { appId: newAppId(), appSecret: 'secret', encryptKey: 'enc-' + newEventId(), verificationToken: 'vt-' + newEventId() };
    const botOpenId = 'ou_bot0000000000000000000000000000';
    platform = await createOpenPlatform({ appId: keys.appId, appSecret: keys.appSecret, botOpenId }).listen();
    expectRefusal(await startOn('', { feishu: { domain: platform.url, keys, botOpenId } }), '');
  });
});
