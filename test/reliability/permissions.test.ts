import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { mayRun } from '../../commands/org/roles.js';
import type { Role } from '../../storage/records.js';
import { Harness, type Person } from '../support/harness.js';

const ROLES: Role[] = ['member', 'secretary', 'leader', 'admin'];

/** The README's permission table: command → the roles marked ✓. */
function readmeTable(): Map<string, Role[]> {
  const text = readFileSync('README.md', 'utf8');
  const section = text.slice(text.indexOf('### Permissions'), text.indexOf('### Roles'));
  const rows = new Map<string, Role[]>();
  for (const line of section.split('\n')) {
    const m = /^\| \/(\S+) \| (.+) \|$/.exec(line);
    if (!m) continue;
    const cells = m[2]!.split('|').map((c) => c.trim());
    rows.set(m[1]!, ROLES.filter((_, i) => cells[i] === '✓'));
  }
  return rows;
}

let h: Harness;
let people: Record<Role, Person>;
let chat: string;
let other: string;
let now = new Date('2026-11-23T10:00:00+08:00');

/** Everything a forbidden command could have changed, as one comparable value. */
async function fingerprint(): Promise<string> {
  return h.app.store.read(async (tx) =>
    JSON.stringify([
      await tx.listProblems(),
      await tx.listMeasures(),
      await tx.listTasks(),
      await tx.listStudyRecords({ includeVoided: true }),
      await tx.listQuotas(),
      await tx.listQuotaChanges(),
      await tx.listBranches(),
      await tx.listChats(),
      (await tx.listPeople()).map((p) => [p.id, p.role, p.branchId]),
      await tx.listSwitches('B1'),
      await tx.listSwitches('B2'),
    ]),
  );
}

beforeAll(async () => {
  h = await Harness.start({ clock: () => now });
  const admin = await h.makeAdmin('王主任');
  chat = h.newChat();
  other = h.newChat();
  const [sec, member, leader, sec2, member2] = ['王书记', '张三', '赵局长', '钱书记', '孙六'].map((n) => h.person(n)) as Person[];
  people = { member: member!, secretary: sec!, leader: leader!, admin };
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, other, '/绑定 第二支部');
  await h.say(admin, chat, '/任命 @王书记 书记');
  await h.say(admin, chat, '/任命 @张三 党员');
  await h.say(admin, other, '/任命 @钱书记 书记');
  await h.say(admin, other, '/任命 @孙六 党员');
  await h.say(admin, 'oc_p2p_admin', '/任命 @赵局长 领导', { chatType: 'p2p' });
  // Items that belong to someone else, in the second branch.
  await h.say(member2!, other, '/问题 服务窗口排队时间长 责任单位:政务服务科 时限:2026-12-31 负责人:@孙六');
  await h.say(sec2!, other, '/措施 P1 增设自助终端 时限:2026-12-20 负责人:@孙六');
  await h.say(sec2!, other, '/任务 撰写调研报告 时限:2026-12-31 负责人:@孙六');
  await h.say(member2!, other, '/学习 1小时 自学 《党章》');
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('permissions', () => {
  it('the README table is exactly what the code enforces', () => {
    const table = readmeTable();
    expect([...table.keys()].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    for (const c of COMMANDS) expect([c.name, table.get(c.name)]).toEqual([c.name, ROLES.filter((r) => mayRun(c, r))]);
  });

  it('every command a role may not start is refused, says who may, and changes nothing', async () => {
    const table = readmeTable();
    const example = (name: string) => COMMANDS.find((c) => c.name === name)!.examples[0]!.replace('@张三', '@孙六');
    let refusals = 0;
    for (const [name, allowed] of table) {
      for (const role of ROLES.filter((r) => !allowed.includes(r))) {
        const before = await fingerprint();
        const reply = await h.say(people[role], chat, example(name));
        expect(reply).toMatch(new RegExp(`^/${name} 只有.+可以使用；你当前的角色是`));
        expect(await fingerprint()).toBe(before);
        refusals++;
      }
    }
    // Issue 15: members may now list and view tasks (/任务), and /办结, /退回, /取消督办 are for assigners (16 - 1 + 3).
    expect(refusals).toBe(18);
  }, 120_000);

  it('what a role may start but not do to someone else’s item is refused with who may, and changes nothing', async () => {
    const { member, secretary, leader } = people;
    const forbidden: [Person, string, string, RegExp][] = [
      [member, chat, '/措施 P1 我来加一条 时限:2026-12-10 负责人:@张三', /牵头负责人|书记|管理员/],
      [member, chat, '/整改 P1-1 完成 不是我的措施', /负责人|书记|管理员/],
      [member, chat, '/销号 P1 不是我的问题', /牵头负责人|书记|管理员/],
      [member, chat, '/延期 P1 2027-01-29 不是我的问题', /牵头负责人|书记|管理员/],
      [member, chat, '/完成 T1 不是我的任务', /负责人|承办|不是/],
      [member, chat, '/撤销 S1', /录入|书记|管理员/],
      [member, chat, '/指标 设置 党员 志愿服务 2次 /月', /管理员/],
      [member, chat, '/学习 统计 第二支部', /书记|领导|管理员/],
      [member, chat, '/问题 列表 全部', /领导|管理员/],
      [member, chat, '/成员 第二支部', /领导或管理员/],
      [member, chat, '/学习 1小时 自学 《党章》 代录:@孙六', /书记|管理员/],
      [secretary, chat, '/措施 P1 别的支部的问题 时限:2026-12-10 负责人:@张三', /牵头负责人|书记|管理员/],
      [secretary, chat, '/导出 问题台账 第二支部', /书记只能导出本支部/],
      [secretary, other, '/绑定 第一支部', /书记不能改绑/],
      [secretary, h.newChat(), '/绑定 第二支部', /书记只能绑定自己所在的支部/],
      [secretary, chat, '/学习 统计 第二支部', /本支部|领导|管理员/],
      [leader, chat, '/指标 删除 党员 志愿服务 /月', /管理员/],
      [leader, chat, '/绑定 领导班子', /\/绑定 只有/],
    ];
    for (const [who, where, text, says] of forbidden) {
      const before = await fingerprint();
      const reply = await h.say(who, where, text);
      expect([text, reply]).toEqual([text, expect.stringMatching(says)]);
      expect([text, await fingerprint()]).toEqual([text, before]);
    }
  }, 120_000);
});
