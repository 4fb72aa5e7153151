import { LOG_FIELDS, logActivity, readArgs, takeDuration } from './study-log.js';
import type { Command } from '../types.js';

/** `/调研 <课题> [地点:<地点>]`: a 调查研究 visit on a research topic. */
export const research: Command = {
  name: '调研',
  aliases: ['research', '调查研究'],
  roles: ['member', 'secretary', 'leader'],
  summary: '登记一次调查研究（调研课题、地点）',
  usage: '/调研 <课题> [地点:<地点>] [时长] [参加:@某人 …] [日期:<日期>]',
  examples: ['/调研 企业开办“一件事”办理堵点 地点:市政务服务中心', '/调研 数据共享供需对接 3小时 地点:数据资源科 参加:@李四'],
  async run(ctx) {
    const { words: all, fields } = readArgs(ctx, LOG_FIELDS);
    const { minutes, words } = takeDuration(all, { optional: true });
    await logActivity(ctx, { form: '调查研究', minutes, content: words.join(' '), what: '调研课题', fields });
  },
};
