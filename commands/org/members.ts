import { textMessage } from '../shared/text.js';
import { ROLE_NAMES, type Person, type Role } from '../../storage/records.js';
import { UserError, type Command } from '../types.js';
import { findBranch } from '../figures/find-branch.js';
import { leadersLinkedTo } from './link-leaders.js';
import { awayOn } from '../../storage/leave.js';
import { toLocalDate } from '../shared/calendar.js';

const ORDER: Role[] = ['secretary', 'leader', 'admin', 'member'];

/** `/成员 [支部名]`: a branch's roster by role (leaders whose home branch it is included) and its linked leaders. */
export const members: Command = {
  name: '成员',
  aliases: ['members'],
  roles: ['member', 'secretary', 'leader'],
  summary: '查看支部成员和角色',
  usage: '/成员 [支部名]',
  examples: ['/成员', '/成员 第二支部'],
  async run(ctx) {
    const name = ctx.args.trim();
    let branch = ctx.chat.branch;
    if (name) {
      branch = await findBranch(ctx.store, name);
      if (!branch) {
        const names = (await ctx.store.listBranches()).map((b) => b.name);
        throw new UserError(`没有名为「${name}」的支部。${names.length ? `现有支部：${names.join('、')}。` : ''}`);
      }
      const own = branch.id === ctx.sender.branchId;
      if (!own && ctx.role !== 'leader' && ctx.role !== 'admin') {
        throw new UserError('只能查看本支部的成员；查看其他支部需要领导或管理员。', { showUsage: false });
      }
    } else if (!branch && ctx.sender.branchId) {
      branch = await ctx.store.getBranch(ctx.sender.branchId);
    }
    if (!branch) {
      const all = await ctx.store.listBranches();
      if (all.length === 0) throw new UserError('还没有任何支部。管理员可在支部群里发送 /绑定 <支部名>。', { showUsage: false });
      const lines = ['各支部人数：'];
      for (const b of all) lines.push(`${b.name}：${(await ctx.store.listPeople({ branchId: b.id })).length} 人`);
      lines.push('查看名单：/成员 <支部名>');
      ctx.reply(textMessage(lines.join('\n')));
      return;
    }
    const people = await ctx.store.listPeople({ branchId: branch.id });
    const linked = leadersLinkedTo(await ctx.store.listPeople({ role: 'leader' }), branch.id).map((p) => p.name);
    const linkLine = `联系领导：${linked.length ? linked.join('、') : '未设定（管理员用 /联系 @领导 支部名 设定）'}`;
    if (people.length === 0) {
      ctx.reply(textMessage([`「${branch.name}」还没有登记成员：成员在支部群里发一次言（或被 /任命）即自动登记。`, linkLine]));
      return;
    }
    const away = awayOn(await ctx.store.listLeaves({ from: toLocalDate(ctx.now), to: toLocalDate(ctx.now) }), toLocalDate(ctx.now));
    const byRole = new Map<Role, Person[]>();
    for (const p of people) byRole.set(p.role, [...(byRole.get(p.role) ?? []), p]);
    const lines = [`「${branch.name}」成员 ${people.length} 人：`];
    for (const r of ORDER) {
      const list = byRole.get(r);
      if (list?.length) lines.push(`${ROLE_NAMES[r]}（${list.length}）：${list.map((p) => (away.has(p.id) ? `${p.name}（请假）` : p.name)).join('、')}`);
    }
    lines.push(linkLine);
    ctx.reply(textMessage(lines.join('\n')));
  },
};
