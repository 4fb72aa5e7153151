import { DEFAULT_FORM, formList, formOf, looksLikeForm, parseForm, splitLeadingForm } from './forms.js';
import { studyStats } from './study-stats.js';
import { showRecord } from './record-detail.js';
import { LOG_FIELDS, logActivity, readArgs, refuseIncomplete, takeDuration } from './study-log.js';
import { UserError, type Command } from '../types.js';

/** `/学习 <时长> [形式] <内容> [参加:@a @b] [日期:<日期>]`, and `/学习 统计 …` for the figures. */
export const study: Command = {
  name: '学习',
  aliases: ['study'],
  roles: ['member', 'secretary', 'leader'],
  summary: '登记一次学习（集体学习写 参加:@…，一次登记计入每位参加者）；/学习 统计 查看支部学习情况',
  usage: '/学习 <时长> [形式] <内容> [参加:@某人 …] [日期:<日期>] [代录:@某人] [心得:…]',
  examples: ['/学习 2小时 研讨 《习近平著作选读》第一卷 参加:@张三 @李四', '/学习 90分钟 自学 党章 日期:昨天', '/学习 统计 本季度', '/学习 S12'],
  readsOnly: (args) => /^(统计|stats|[Ss]\d+)(\s|$)/.test(args.trim()),
  async run(ctx) {
    const first = ctx.args.split(' ')[0]!.toLowerCase();
    if (first === '统计' || first === 'stats') return studyStats(ctx, ctx.args.slice(first.length).trim());
    if (/^s\d+$/.test(first)) return showRecord(ctx, first.toUpperCase());
    const { words: all, fields } = readArgs(ctx, [...LOG_FIELDS, '形式']);
    const { minutes, words } = takeDuration(all, { optional: true });
    let form = DEFAULT_FORM;
    const leadership = ctx.role === 'leader' || ctx.chat.binding?.kind === 'leadership';
    if (fields['形式'] !== undefined) {
      // The field runs to the next field; only its first word is the form, the rest is content.
      const [word = '', ...more] = fields['形式'].split(' ');
      const named = parseForm(word);
      if (!named) throw new UserError(`形式：不认识「${word}」。可选：${formList()}。`);
      form = formOf(word, named, leadership);
      words.push(...more);
    } else if (words[0] !== undefined) {
      const named = parseForm(words[0]);
      const flush = splitLeadingForm(words[0]);
      if (named) {
        form = formOf(words[0], named, leadership);
        words.shift();
      } else if (flush) {
        form = formOf(words[0].slice(0, words[0].length - flush.rest.length), flush.form, leadership);
        words[0] = flush.rest;
      } else if (looksLikeForm(words[0]) && words.length > 1) {
        throw new UserError(`形式：不认识「${words[0]}」。可选：${formList()}。`);
      }
    }
    if (form === '民主生活会' && !leadership && ctx.role !== 'admin') {
      throw new UserError('民主生活会是党组（领导班子）的会议；支部召开的是组织生活会，如 /会议 组织生活会 主题:… 实到:全体。', { showUsage: false });
    }
    const draft = { form, minutes, content: words.join(' '), what: '学习内容（材料或书名）', fields };
    refuseIncomplete('/学习', draft, [...LOG_FIELDS, '形式']);
    await logActivity(ctx, draft);
  },
};
