import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';

describe('/帮助 and the README describe the calendar command and the date forms', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('/帮助 names the date forms and /假期', async () => {
    h = await Harness.start({ clock: () => new Date('2026-11-30T10:00:00+08:00') });
    const li = h.person('李四');
    const text = await h.say(li, 'oc_p2p_li', '/帮助', { chatType: 'p2p' });
    expect(text).toContain('/假期 — ');
    for (const form of ['日期写法', '12月31日', '下周五', '3个工作日内', '春节前', '国庆后', '上旬', '本周内', '周末前（指周五）', '管理员可用 /假期 2027 元旦']) expect(text).toContain(form);
  }, 30_000);

  it("the README's command section says the same", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const commands = readme.slice(readme.indexOf('## Commands'), readme.indexOf('## Figures'));
    expect(commands).toMatch(/\| `\/帮助 \[命令\]` .*date forms.*`\/假期`/);
    for (const form of ['`12月31日`', '`下周五`', '`3个工作日内`', '`春节前`', '`国庆后`', '`上旬`', '`本周内`', '`周末前` (Friday)']) expect(commands).toContain(form);
    expect(commands).toContain('`/假期 <年份> <节日> <放假起止> [调休:<上班日>…]`');
    expect(commands).toContain('once per year');
  });
});
