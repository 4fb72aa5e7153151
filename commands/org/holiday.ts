import { parts, toLocalDate } from '../shared/calendar.js';
import { bounded } from '../shared/limits.js';
import { loadCalendar } from '../shared/load-calendar.js';
import { textMessage } from '../shared/text.js';
import { UserError, type Command, type CommandContext } from '../types.js';
import { HOLIDAY_EXAMPLE, parseHolidayText } from './holiday-notice-text.js';
import { renderHolidayYear } from './holiday-calendar-text.js';

/** `/假期 [年份]` shows a year's holidays as the bot counts them; `/假期 2027 元旦 …` (admin) enters the State Council schedule. */
export const holiday: Command = {
  name: '假期',
  aliases: ['holidays'],
  roles: ['member', 'secretary', 'leader'],
  summary: '查看某年的节假日与调休安排；管理员录入国务院通知（优先于内置数据）',
  usage: '/假期 [年份]　或（管理员）/假期 <年份> <节日> <放假起止> [调休:<上班日>…]，也可整段粘贴通知原文',
  examples: ['/假期 2027', HOLIDAY_EXAMPLE, '/假期 2027 国庆节 10月1日-10月7日 调休:9月26日、10月9日'],
  readsOnly: (args) => /^\s*(\d{4}\s*年?)?\s*$/.test(args),
  async run(ctx) {
    const args = ctx.args.trim();
    const today = toLocalDate(ctx.now);
    const asked = /^(\d{4})\s*年?$/.exec(args);
    if (args === '' || asked) {
      const { year, month } = parts(today);
      return show(ctx, asked ? Number(asked[1]) : month >= 10 ? year + 1 : year);
    }
    if (ctx.role !== 'admin') throw new UserError('只有管理员可以录入节假日安排；查看请发送 /假期 2027。', { showUsage: false });
    bounded('message', args);
    const parsed = parseHolidayText(args, today);
    if (!parsed.ok) throw new UserError(parsed.error);
    const stamp = { by: ctx.sender.id, at: ctx.now.toISOString() };
    for (const h of parsed.holidays) await ctx.store.saveHoliday({ year: parsed.year, ...h }, stamp);
    const names = parsed.holidays.map((h) => h.name).join('、');
    await show(ctx, parsed.year, [
      `已录入 ${parsed.year} 年 ${names} 的放假与调休安排，此后计算工作日以此为准。请核对下表：`,
      ...parsed.warnings.map((w) => `⚠ ${w}`),
    ]);
  },
};

async function show(ctx: CommandContext, year: number, before: string[] = []): Promise<void> {
  if (year < 2000 || year > 2100) throw new UserError(`年份 ${year} 超出范围，请写 2000—2100 年。`);
  const cal = await loadCalendar(ctx.store);
  const entered = await ctx.store.listHolidays(year);
  const people = new Map((await ctx.store.listPeople()).map((p) => [p.id, p]));
  const after = ctx.role === 'admin' && cal.missingHolidays(year).length > 0 ? [`录入：${HOLIDAY_EXAMPLE}，或整段粘贴国务院办公厅通知。`] : [];
  ctx.reply(textMessage([...before, renderHolidayYear(year, cal, entered, people), ...after].join('\n')));
}
