import { UserError } from '../types.js';

/**
 * The longest text each field takes, in characters. Chosen from the seed documents (a problem description there
 * runs 20–200 characters, an evidence note a few lines) with room to spare, and small enough that the longest
 * review card stays far below Feishu's 30 KB.
 */
export const LIMITS = {
  message: 6000,
  问题描述: 1000,
  整改目标: 500,
  责任单位: 50,
  措施内容: 500,
  进展: 1000,
  完成说明: 1000,
  整改情况与佐证: 2000,
  延期理由: 500,
  审核意见: 500,
  作废理由: 200,
  撤销原因: 200,
  事项内容: 500,
  办理结果: 1000,
  学习内容: 200,
  心得: 2000,
  地点: 100,
  支部名: 30,
} as const;

/** The field's text, or a refusal naming the field and its limit (the command stops before writing anything). */
export function bounded(field: keyof typeof LIMITS | string, text: string, max: number = LIMITS[field as keyof typeof LIMITS]): string {
  const length = [...text].length;
  if (length > max) {
    const name = field === 'message' ? '消息' : field;
    throw new UserError(`${name}过长：最多 ${max} 字，这次有 ${length} 字。请精简后重新发送，较长的材料可附链接或文件名；这次没有记录任何内容。`, { showUsage: false });
  }
  return text;
}
