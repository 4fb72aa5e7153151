import { describe, expect, it } from 'vitest';
import { SANDBOX_PEOPLE } from '../../src/sandbox/roster.js';
import { Bot, createRunDir, sleep } from '../support/spawn-bot.js';
import { readStudy } from './storage-support.js';

const ZHANG = SANDBOX_PEOPLE.find((p) => p.name === '张三')!.openId;

describe('two processes on one data file', () => {
  it('the second npm start refuses, naming the file and the first one\'s pid; the first keeps working and loses nothing', async () => {
    const dir = createRunDir();
    const first = await Bot.start(dir);
    await first.waitHealthy();
    const acked: string[] = [];
    const push = async (tags: string[]) => {
      const results = await Promise.all(tags.map((tag) => first.send(first.event(ZHANG, 'oc_sandbox_branch_1', `/学习 10分钟 自学 ${tag}`))));
      tags.forEach((tag, i) => {
        expect(results[i], `${tag} while a second process started`).toBe(200);
        acked.push(tag);
      });
    };
    await push(['双开前1', '双开前2', '双开前3', '双开前4', '双开前5']);

    const second = await Bot.start(dir);
    // The first keeps taking commands while the second starts up beside it.
    let n = 0;
    let outcome: Awaited<ReturnType<Bot['healthyOrExit']>> | undefined;
    const starting = second.healthyOrExit().then((o) => (outcome = o));
    while (outcome === undefined) {
      await push([`双开中${++n}`]);
      await sleep(200);
    }
    await starting;
    if (outcome === 'healthy') await second.kill9();
    expect(outcome, `a second process started on ${first.dataFile}; its stdout:\n${second.stdout.slice(-600)}`).not.toBe('healthy');
    // Exited by itself with an error, not killed for hanging.
    expect(outcome !== 'healthy' && outcome.code).toBeGreaterThan(0);
    expect(second.stderr).toContain('sandbox.json');
    expect(second.stderr).toContain(String(first.serverPid()));

    await push(['双开后1', '双开后2', '双开后3', '双开后4', '双开后5']);
    await first.settle();
    expect((await first.sigterm()).code, first.stderr).toBe(0);
    const contents = (await readStudy(first.dataFile)).map((r) => r.content);
    for (const tag of acked) expect(contents.filter((c) => c === tag), tag).toHaveLength(1);
  });
});
