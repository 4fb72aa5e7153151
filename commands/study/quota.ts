import { textMessage } from '../shared/text.js';
import { ROLE_NAMES, type Role } from '../../storage/records.js';
import { PERIODS, type Quota, type QuotaChange } from '../../storage/study.js';
import { formatDate, toLocalDate, type Period } from '../shared/calendar.js';
import { parseChineseNumber } from '../shared/dates.js';
import { formList, parseForm } from './forms.js';
import { amount, describeQuota, describeRoleQuota, PERIOD_NAMES } from './quotas.js';
import { parseRole } from '../org/roles.js';
import { UserError, type Command, type CommandContext } from '../types.js';

const PERIOD_WORDS: Readonly<Record<string, Period>> = {
  周: 'week', 星期: 'week', week: 'week',
  月: 'month', month: 'month',
  季度: 'quarter', 季: 'quarter', quarter: 'quarter',
  年: 'year', 年度: 'year', year: 'year',
};
const PERIOD = `(${Object.keys(PERIOD_WORDS).join('|')})`;
const NUM = '(\\d+(?:\\.\\d+)?|[一二两三四五六七八九十百]+)';
const UNIT = '(次|个|场|小时|个小时|h)?';
const PER_SLASH = new RegExp(`^(?:至少)?${NUM}${UNIT}(?:/|每)${PERIOD}$`);
const PER_WORD = new RegExp(`^每${PERIOD}(?:至少)?${NUM}${UNIT}$`);
const ONLY_PERIOD = new RegExp(`^(?:/|每)?${PERIOD}$`);
const AMOUNT_EXAMPLE = '1次 /月、2次 /季度、10小时 /年';

/** `/指标`: lists the quotas in force; `/指标 设置 …` and `/指标 删除 …` (admin) change them, with a change log. */
export const quota: Command = {
  name: '指标',
  aliases: ['quota'],
  roles: ['member', 'secretary', 'leader'],
  summary: '查看各角色的学习和活动指标；管理员可设置或删除',
  usage: '/指标　或　/指标 设置 <角色> <形式> <次数|小时> /<周|月|季度|年>　或　/指标 删除 <角色> <形式> [/<周期>]　或　/指标 记录',
  examples: ['/指标', '/指标 设置 党员 志愿服务 1次 /月', '/指标 删除 领导 志愿服务 /季度'],
  async run(ctx) {
    const [verb = '', ...words] = ctx.args.split(' ').filter(Boolean);
    if (verb === '' || verb === '列表' || verb === 'list') return list(ctx);
    if (verb === '记录' || verb === 'log') return changes(ctx);
    if (verb !== '设置' && verb !== '删除' && verb !== 'set' && verb !== 'remove') {
      throw new UserError(`看不懂「${verb}」：可用 /指标、/指标 设置 …、/指标 删除 …、/指标 记录。`);
    }
    if (ctx.role !== 'admin') throw new UserError('只有管理员可以设置或删除指标。', { showUsage: false });
    const stamp = { by: ctx.sender.id, at: ctx.now.toISOString() };
    const [roleWord, formWord, ...rest] = words;
    const role = readRole(roleWord);
    const form = parseForm(formWord ?? '');
    if (!form) throw new UserError(formWord ? `形式：不认识「${formWord}」。可选：${formList()}。` : '缺少形式，如 志愿服务、专题党课、个人自学。');
    const tail = rest.join('');

    if (verb === '删除' || verb === 'remove') {
      const quotas = (await ctx.store.listQuotas()).filter((q) => q.role === role && q.form === form);
      let period: Period | undefined;
      if (tail) {
        const m = ONLY_PERIOD.exec(tail);
        if (!m) throw new UserError(`周期：看不懂「${tail}」，请写 /周、/月、/季度 或 /年。`);
        period = PERIOD_WORDS[m[1]!];
      }
      const matching = quotas.filter((q) => period === undefined || q.period === period);
      if (matching.length === 0) throw new UserError(`没有「${ROLE_NAMES[role]} ${form}${period ? ` 每${PERIOD_NAMES[period]}` : ''}」的指标。发送 /指标 查看现行指标。`, { showUsage: false });
      if (matching.length > 1) throw new UserError(`${ROLE_NAMES[role]} ${form} 有 ${matching.length} 项指标（${matching.map(describeQuota).join('、')}），请写明周期，如 /月。`);
      const target = matching[0]!;
      await ctx.store.removeQuota({ role, form, period: target.period }, stamp);
      ctx.reply(textMessage(`已删除指标：${describeRoleQuota(target)}${target.builtIn ? '（默认指标）' : ''}。变更已记录，发送 /指标 记录 查看。`));
      return;
    }

    const parsed = readAmount(tail);
    const before = (await ctx.store.listQuotas()).find((q) => q.role === role && q.form === form && q.period === parsed.period);
    const saved = await ctx.store.setQuota({ role, form, ...parsed }, stamp);
    ctx.reply(textMessage(`已设置指标：${describeRoleQuota(saved)}${before ? `（原为 ${describeQuota(before)}${before.builtIn ? '，默认' : ''}）` : '（新增）'}。即日起按此计算。`));
  },
};

function readRole(word: string | undefined): Role {
  if (!word) throw new UserError('缺少角色：党员、书记、领导 或 管理员。');
  const role = parseRole(word);
  if (!role) throw new UserError(`角色：不认识「${word}」，可选 党员、书记、领导、管理员。`);
  return role;
}

function readAmount(text: string): { min: number; unit: Quota['unit']; period: Period } {
  if (!text) throw new UserError(`缺少次数或小时和周期，如 ${AMOUNT_EXAMPLE}。`);
  const s = text.normalize('NFKC').toLowerCase();
  const slash = PER_SLASH.exec(s);
  const word = PER_WORD.exec(s);
  const [num, unitWord, periodWord] = slash ? [slash[1]!, slash[2], slash[3]!] : word ? [word[2]!, word[3], word[1]!] : [];
  if (num === undefined || periodWord === undefined) throw new UserError(`次数和周期：看不懂「${text}」，请写成 ${AMOUNT_EXAMPLE}。`);
  const min = /^\d/.test(num) ? Number(num) : parseChineseNumber(num);
  const unit: Quota['unit'] = unitWord === '小时' || unitWord === '个小时' || unitWord === 'h' ? 'hours' : 'count';
  if (min === undefined || !(min > 0)) throw new UserError(`次数和周期：「${text}」须大于 0；不再要求请用 /指标 删除。`);
  if (unit === 'count' && !Number.isInteger(min)) throw new UserError(`次数和周期：次数须为整数，收到「${text}」。`);
  if (min > 1000) throw new UserError(`次数和周期：「${text}」过大，请核对。`);
  return { min, unit, period: PERIOD_WORDS[periodWord]! };
}

async function list(ctx: CommandContext): Promise<void> {
  const quotas = await ctx.store.listQuotas();
  if (quotas.length === 0) {
    ctx.reply(textMessage('目前没有任何指标。管理员可用 /指标 设置 <角色> <形式> <次数|小时> /<周期> 设置。'));
    return;
  }
  const order = (q: Quota) => ['member', 'secretary', 'leader', 'admin'].indexOf(q.role) * 10 + PERIODS.indexOf(q.period);
  const lines = ['现行学习和活动指标：'];
  for (const q of [...quotas].sort((a, b) => order(a) - order(b))) lines.push(`· ${describeRoleQuota(q)}${q.builtIn ? '（默认）' : ''}`);
  lines.push('党员指标也适用于书记和管理员；领导只适用领导指标。');
  if (ctx.role === 'admin') lines.push('修改：/指标 设置 <角色> <形式> <次数|小时> /<周期>；删除：/指标 删除 <角色> <形式> /<周期>。');
  ctx.reply(textMessage(lines.join('\n')));
}

async function changes(ctx: CommandContext): Promise<void> {
  const log = await ctx.store.listQuotaChanges();
  if (log.length === 0) {
    ctx.reply(textMessage('指标没有变更过：现行指标均为默认。'));
    return;
  }
  const lines = ['指标变更记录（最近 20 条）：'];
  for (const c of log.slice(-20)) lines.push(await changeLine(ctx, c));
  ctx.reply(textMessage(lines.join('\n')));
}

async function changeLine(ctx: CommandContext, c: QuotaChange): Promise<string> {
  const who = (await ctx.store.getPerson(c.by))?.name ?? c.by;
  const what = `${ROLE_NAMES[c.role]} ${c.form} 每${PERIOD_NAMES[c.period]}`;
  const from = c.from ? `至少${amount(c.from.min, c.from.unit)}` : '无';
  const to = c.to ? `至少${amount(c.to.min, c.to.unit)}` : '删除';
  return `${c.id} ${formatDate(toLocalDate(new Date(c.at)))} ${who}：${what} ${from} → ${to}`;
}
