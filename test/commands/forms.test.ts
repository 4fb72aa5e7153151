import { describe, expect, it } from 'vitest';
import { DEFAULT_FORM, formList, looksLikeForm, parseForm, splitLeadingForm } from '../../commands/study/forms.js';
import { FORMS } from '../../storage/study.js';

describe('forms', () => {
  it.each([
    ['研讨', '理论学习中心组集中研讨'],
    ['中心组', '理论学习中心组集中研讨'],
    ['集中研讨', '理论学习中心组集中研讨'],
    ['三会一课', '支部集体学习'],
    ['支部学习', '支部集体学习'],
    // Issue 14: the meetings of 组织生活 are forms of their own.
    ['党小组会', '党小组会'],
    ['支委会', '支委会'],
    ['党员大会', '支部党员大会'],
    ['主题党日', '主题党日'],
    ['组织生活会', '组织生活会'],
    ['民主生活会', '民主生活会'],
    ['谈心谈话', '谈心谈话'],
    ['警示教育', '警示教育'],
    ['警示教育片', '观看教学片'],
    ['党课', '专题党课'],
    ['专家辅导', '专家辅导'],
    ['专题讲座', '专家辅导'],
    ['现场教学', '现场教学'],
    ['红色教育基地', '现场教学'],
    ['教学片', '观看教学片'],
    ['自学', '个人自学'],
    ['读书班', '读书班'],
    ['研讨班', '读书班'],
    ['调研', '调查研究'],
    ['志愿服务', '志愿服务'],
    ['志愿', '志愿服务'],
  ])('%s → %s', (word, form) => {
    expect(parseForm(word)).toBe(form);
  });

  it('knows every canonical form by its own name, and defaults to 个人自学', () => {
    for (const f of FORMS) expect(parseForm(f)).toBe(f);
    expect(DEFAULT_FORM).toBe('个人自学');
  });

  it('does not take material for a form', () => {
    expect(parseForm('党章')).toBeUndefined();
    expect(parseForm('《习近平著作选读》')).toBeUndefined();
    expect(looksLikeForm('党章')).toBe(false);
    expect(looksLikeForm('党章学习')).toBe(false);
    expect(looksLikeForm('《论党课》')).toBe(false);
  });

  it('recognises an unknown word that reads like a form', () => {
    expect(looksLikeForm('座谈会')).toBe(true);
    expect(looksLikeForm('培训班')).toBe(true);
    expect(looksLikeForm('研讨')).toBe(false); // known
  });

  it('splits a form written flush against a quoted title, longest name first', () => {
    expect(splitLeadingForm('集中研讨《习近平著作选读》')).toEqual({ form: '理论学习中心组集中研讨', rest: '《习近平著作选读》' });
    expect(splitLeadingForm('研讨班《党史》')).toEqual({ form: '读书班', rest: '《党史》' });
    expect(splitLeadingForm('自学党章')).toBeUndefined();
  });

  it('lists every form with its short names for an error reply', () => {
    const text = formList();
    for (const f of FORMS) expect(text).toContain(f);
    expect(text).toContain('调查研究（调研）');
  });
});
