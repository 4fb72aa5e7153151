import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { UserError, type Command } from '../types.js';
import { findBranch } from '../figures/find-branch.js';

const LEADERSHIP = ['领导班子', '局领导', 'leadership'];

/** `/绑定 <支部名>` binds this group to a branch; `/绑定 领导班子` marks the leadership chat. */
export const bind: Command = {
  name: '绑定',
  aliases: ['bind'],
  roles: ['secretary'],
  summary: '把本群绑定为某个支部的群，或领导班子群',
  usage: '/绑定 <支部名>　或　/绑定 领导班子',
  examples: ['/绑定 第一支部', '/绑定 领导班子'],
  async run(ctx) {
    if (ctx.chat.type !== 'group') throw new UserError('绑定只能在群聊里进行：请在支部群里 @督办 发送。');
    const name = ctx.args.trim();
    if (!name) throw new UserError('缺少支部名。');
    bounded('支部名', name);
    if (/\s/.test(name)) throw new UserError(`支部名不能含空格：「${name}」。`);
    const stamp = { by: ctx.sender.id, at: ctx.now.toISOString() };
    const before = ctx.chat.binding;
    const was = before ? (before.kind === 'leadership' ? '领导班子群' : `「${ctx.chat.branch?.name ?? before.branchId}」支部群`) : undefined;

    if (LEADERSHIP.includes(name.toLowerCase())) {
      if (ctx.role !== 'admin') throw new UserError('只有管理员可以绑定领导班子群。', { showUsage: false });
      await ctx.store.bindChat({ id: ctx.chat.id, kind: 'leadership' }, stamp);
      await ctx.store.audit({ at: stamp.at, by: stamp.by, action: 'bind', subject: `chat:${ctx.chat.id}`, from: was, to: '领导班子群' });
      ctx.reply(textMessage(`已将本群绑定为领导班子群${was ? `（原为${was}）` : ''}。月度通报和逾期事项的升级提醒将发到这里。`));
      return;
    }

    let branch = await findBranch(ctx.store, name);
    let created = false;
    if (ctx.role === 'secretary') {
      if (before && (before.kind === 'leadership' || before.branchId !== ctx.sender.branchId)) {
        throw new UserError(`本群已绑定为${was}，书记不能改绑；如需改绑请联系管理员。`, { showUsage: false });
      }
      if (!branch || branch.id !== ctx.sender.branchId) {
        throw new UserError(`书记只能绑定自己所在的支部${ctx.sender.branchId ? '' : '（你还没有归属支部，请管理员用 /任命 设置）'}；绑定其他支部请联系管理员。`, {
          showUsage: false,
        });
      }
    } else if (!branch) {
      branch = await ctx.store.createBranch(name, stamp);
      created = true;
    }
    await ctx.store.bindChat({ id: ctx.chat.id, kind: 'branch', branchId: branch!.id }, stamp);
    await ctx.store.audit({ at: stamp.at, by: stamp.by, action: 'bind', subject: `chat:${ctx.chat.id}`, from: was, to: branch!.name });
    const others = (await ctx.store.listChats({ branchId: branch!.id })).filter((c) => c.id !== ctx.chat.id);
    const lines = [`已将本群绑定为「${branch!.name}」支部群${created ? '（新建支部）' : ''}${was ? `，原为${was}` : ''}。`];
    lines.push('此后在本群发言的同事会自动登记为该支部成员；发送 /成员 查看名单。');
    if (others.length > 0) lines.push(`注意：该支部另有 ${others.length} 个已绑定的群，提醒和周报也会发到那里。`);
    ctx.reply(textMessage(lines.join('\n')));
  },
};
