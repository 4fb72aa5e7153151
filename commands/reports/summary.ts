import { bureauFigures } from '../figures/bureau-figures.js';
import { findBranch } from '../figures/find-branch.js';
import { cardMessage } from '../shared/card.js';
import { loadNames } from './names.js';
import { toLocalDate } from '../shared/calendar.js';
import { parsePeriodWord, PERIOD_EXAMPLES } from '../shared/periods.js';
import { namedOnCard, renderSummaryCard } from './summary-card.js';
import { leadersLinkedTo } from '../org/link-leaders.js';
import { UserError, type Command } from '../types.js';

/** `/进度 [支部] [本月|本季度|2026年|11月]`: the leader's one-card picture; a secretary sees the branch, a member their own. */
export const summary: Command = {
  name: '进度',
  aliases: ['summary'],
  roles: ['member', 'secretary', 'leader'],
  summary: '查看整改与学习进度（领导看全局，书记看本支部，党员看自己）',
  usage: '/进度 [支部名] [本月|本季度|本年|11月|2026年]',
  examples: ['/进度', '/进度 第三支部 本季度', '/进度 数据资源科 本年', '/进度 2026年'],
  readsOnly: () => true,
  async run(ctx) {
    const today = toLocalDate(ctx.now);
    let period = parsePeriodWord('本月', today)!;
    let branchName: string | undefined;
    for (const w of ctx.args.split(' ').filter(Boolean)) {
      const p = parsePeriodWord(w, today);
      if (p) period = p;
      else if (branchName === undefined) branchName = w;
      else throw new UserError(`看不懂「${w}」：时段可写 ${PERIOD_EXAMPLES}。`);
    }
    let branchId: string | undefined;
    let personId: string | undefined;
    let scope = '全局';
    if (branchName) {
      const b = await findBranch(ctx.store, branchName);
      if (!b) {
        const all = (await ctx.store.listBranches()).map((x) => x.name);
        throw new UserError(`没有名为「${branchName}」的支部${all.length ? `，现有：${all.join('、')}` : ''}。时段可写 ${PERIOD_EXAMPLES}。`);
      }
      if (ctx.role !== 'leader' && ctx.role !== 'admin' && b.id !== ctx.sender.branchId) {
        throw new UserError('只能查看本支部的进度；查看其他支部需要领导或管理员。', { showUsage: false });
      }
      branchId = b.id;
      scope = b.name;
    } else if (ctx.role === 'secretary') {
      branchId = ctx.sender.branchId;
      scope = branchId ? ((await ctx.store.getBranch(branchId))?.name ?? '本支部') : '本支部';
    } else if (ctx.role === 'member') {
      personId = ctx.sender.id;
      scope = `${ctx.sender.name} 本人`;
    }
    const asOf = period.end < today ? period.end : today;
    const figures = await bureauFigures(ctx.store, { period, asOf, branchId, personId });
    const linked = branchId ? leadersLinkedTo(await ctx.store.listPeople({ role: 'leader' }), branchId).map((p) => p.name) : [];
    ctx.reply(cardMessage(renderSummaryCard(figures, await loadNames(ctx.store, namedOnCard(figures)), scope, linked)));
  },
};
