import { describe, expect, it } from 'vitest';
import { SANDBOX_PEOPLE } from '../../src/sandbox/roster.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import { Bot, createRunDir, sleep } from '../support/spawn-bot.js';

const person = (name: string) => SANDBOX_PEOPLE.find((p) => p.name === name)!.openId;
const BRANCH_CHAT = 'oc_sandbox_branch_1';

/** Types `text` on the sandbox page as `name` in 第一支部群, as a visitor does; the webhook's status as the page reports it. */
async function typeOnPage(bot: Bot, name: string, text: string): Promise<{ status: number; messageId: string }> {
  const res = await fetch(`${bot.url}/sandbox/api/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId: person(name), chatId: BRANCH_CHAT, text }),
  });
  const body = (await res.json()) as { messageId: string };
  return { status: res.status, messageId: body.messageId };
}

/** The text of the bot's reply to `messageId` on the sandbox page, once it has arrived. */
async function replyTo(bot: Bot, messageId: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const { lines } = (await (await fetch(`${bot.url}/sandbox/api/messages?after=0`)).json()) as { lines: { replyTo?: string; content: unknown }[] };
    const reply = lines.find((l) => l.replyTo === messageId);
    if (reply) return JSON.stringify(reply.content);
    await sleep(100);
  }
  throw new Error(`no reply to ${messageId}`);
}

/** Problems by description and study records by content, counted in the stopped bot's data file. */
async function countsIn(file: string): Promise<Map<string, number>> {
  const store = await openLowdbStore(file, { readOnly: true });
  const counts = new Map<string, number>();
  try {
    const [problems, records] = await store.read(async (tx) => [await tx.listProblems(), await tx.listStudyRecords({ includeVoided: true })] as const);
    for (const key of [...problems.map((p) => p.description), ...records.map((r) => r.content)]) counts.set(key, (counts.get(key) ?? 0) + 1);
  } finally {
    await store.close();
  }
  return counts;
}

/** Opens a problem and logs a study session on the page, each tagged with `tag`; returns the tags the bot accepted. */
async function enterOnPage(bot: Bot, tag: string): Promise<string[]> {
  const problem = `${tag}问题台账数据不全`;
  const study = `${tag}学习党章`;
  expect((await typeOnPage(bot, '张三', `/问题 ${problem} 责任单位:第一支部 时限:下月底 负责人:@张三`)).status).toBe(200);
  expect((await typeOnPage(bot, '张三', `/学习 10分钟 自学 ${study}`)).status).toBe(200);
  return [problem, study];
}

describe('npm start on the default relative data path (./data/sandbox.json)', () => {
  it('keeps problems and study records across Ctrl+C and a restart, and still lists them', async () => {
    const dir = createRunDir();
    let bot = await Bot.start(dir);
    await bot.waitHealthy();
    const entered = [...(await enterOnPage(bot, '甲')), ...(await enterOnPage(bot, '乙'))];
    await bot.settle();
    await bot.ctrlC();
    expect(bot.stderr, 'Ctrl+C').not.toMatch(/error/i);

    bot = await Bot.start(dir);
    await bot.waitHealthy();
    const list = await typeOnPage(bot, '王主任', '/问题 列表 全部');
    expect(list.status).toBe(200);
    const reply = await replyTo(bot, list.messageId);
    for (const tag of ['甲问题台账', '乙问题台账']) expect(reply, 'the list after a restart').toContain(tag);
    await bot.settle();
    expect((await bot.sigterm()).code, `shutdown failed:\n${bot.stderr}`).toBe(0);
    const counts = await countsIn(bot.dataFile);
    for (const key of entered) expect(counts.get(key), key).toBe(1);
  });

  it('keeps them across kill -9 after the checkpoints a restart writes', async () => {
    const dir = createRunDir();
    const entered: string[] = [];
    for (const tag of ['丙', '丁', '戊']) {
      const bot = await Bot.start(dir);
      await bot.waitHealthy();
      entered.push(...(await enterOnPage(bot, tag)));
      await bot.settle();
      await bot.kill9();
    }
    const bot = await Bot.start(dir);
    await bot.waitHealthy();
    await bot.settle();
    expect((await bot.sigterm()).code, `shutdown failed:\n${bot.stderr}`).toBe(0);
    const counts = await countsIn(bot.dataFile);
    for (const key of entered) expect(counts.get(key), key).toBe(1);
  });
});
