import { parseForm } from './forms.js';
import { LOG_FIELDS, logActivity, readArgs, refuseIncomplete, takeDuration } from './study-log.js';
import type { Command } from '../types.js';

/** `/志愿 <活动> <时长>`: a 志愿服务 record. */
export const volunteer: Command = {
  name: '志愿',
  aliases: ['volunteer', '志愿服务'],
  roles: ['member', 'secretary', 'leader'],
  summary: '登记一次志愿服务',
  usage: '/志愿 <活动> <时长> [参加:@某人 …] [日期:<日期>] [地点:<地点>] [代录:@某人]',
  examples: ['/志愿 文明交通劝导 3小时', '/志愿 社区政策宣讲 半天 参加:@张三 日期:11月20日'],
  async run(ctx) {
    const { words: all, fields } = readArgs(ctx, LOG_FIELDS);
    const { minutes, words } = takeDuration(all, { optional: true });
    if (words[0] !== undefined && parseForm(words[0]) === '志愿服务') words.shift();
    const draft = { form: '志愿服务' as const, minutes, content: words.join(' '), what: '活动名称', fields };
    refuseIncomplete('/志愿', draft, LOG_FIELDS);
    await logActivity(ctx, draft);
  },
};
