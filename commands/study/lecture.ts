import { LOG_FIELDS, logActivity, readArgs, takeDuration } from './study-log.js';
import type { Command } from '../types.js';

/** `/党课 <题目> [支部:<支部>]`: a 专题党课 given by the sender at a branch; it counts toward the lecturer's quota. */
export const lecture: Command = {
  name: '党课',
  aliases: ['lecture', '专题党课'],
  roles: ['member', 'secretary', 'leader'],
  summary: '登记自己讲授的一次专题党课（写明在哪个支部讲）',
  usage: '/党课 <题目> [支部:<支部>] [时长] [参加:@某人 …] [日期:<日期>]',
  examples: ['/党课 《深入学习贯彻党的二十届四中全会精神》 支部:第三支部', '/党课 以数字政府建设推动高质量发展 2小时 支部:第一支部 日期:昨天'],
  async run(ctx) {
    const { words: all, fields } = readArgs(ctx, LOG_FIELDS);
    const { minutes, words } = takeDuration(all, { optional: true });
    await logActivity(ctx, { form: '专题党课', minutes, content: words.join(' '), what: '党课题目', fields });
  },
};
