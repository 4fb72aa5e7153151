import { findMeasure, findProblem, findTask, leadingRef, MEASURE_REF, TASK_REF } from './ledger-common.js';
import { editMeasure } from './measure-edit.js';
import { editProblem } from './problem-edit.js';
import { editTask } from './task-edit.js';
import type { Command } from '../types.js';

/** `/修改 P12 …` corrects a problem's fields, `/修改 P12-1 …` a measure's (or 撤销 it), `/修改 T3 …` a task's; every change lands in the item's history with who and why. */
export const edit: Command = {
  name: '修改',
  aliases: ['edit'],
  roles: ['member', 'secretary', 'leader'],
  summary: '更正问题的时限、责任单位、负责人、目标、专项整治标记；更正或撤销措施；调整督办事项的时限、负责人（改派）、内容；写明理由',
  usage: '/修改 P12 时限:<日期> | 责任单位:<单位> | 负责人:@某人 | 目标:<整改目标> | 专项整治:是/否 理由:<理由>　或　/修改 P12-1 时限:<日期> | 负责人:@某人 | 内容:<内容> 理由:<理由>　或　/修改 P12-1 撤销 理由:<理由>　或　/修改 T3 时限:<日期> | 负责人:@某人 [@某人] | 内容:<内容> 理由:<理由>',
  examples: ['/修改 P12 责任单位:数据资源科 | 负责人:@李四 理由:科室调整', '/修改 T3 负责人:@王五 理由:张三借调'],
  async run(ctx) {
    const { ref, rest } = leadingRef(ctx.args);
    // `|` between fields, as the usage shows, reads like a space.
    const body = rest.replace(/[|｜]/g, ' ');
    if (TASK_REF.test(ref)) return editTask(ctx, await findTask(ctx, ref), body);
    if (MEASURE_REF.test(ref)) {
      const { measure, problem } = await findMeasure(ctx, ref);
      return editMeasure(ctx, measure, problem, body);
    }
    return editProblem(ctx, await findProblem(ctx, ref), body);
  },
};
