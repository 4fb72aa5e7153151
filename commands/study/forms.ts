import { FORMS, type Form } from '../../storage/study.js';
import { lookup } from '../shared/lookup.js';

/** The form of a /学习 entry that names none. */
export const DEFAULT_FORM: Form = '个人自学';

/** Short names and synonyms people write, each with the form it stands for; every canonical name maps to itself. */
export const FORM_SYNONYMS: Readonly<Record<string, Form>> = {
  ...Object.fromEntries(FORMS.map((f) => [f, f])),
  中心组: '理论学习中心组集中研讨',
  中心组学习: '理论学习中心组集中研讨',
  中心组研讨: '理论学习中心组集中研讨',
  中心组集中研讨: '理论学习中心组集中研讨',
  理论学习中心组: '理论学习中心组集中研讨',
  研讨: '理论学习中心组集中研讨',
  研讨会: '理论学习中心组集中研讨',
  专题研讨: '理论学习中心组集中研讨',
  交流研讨: '理论学习中心组集中研讨',
  集中研讨: '理论学习中心组集中研讨',
  三会一课: '支部集体学习',
  支部学习: '支部集体学习',
  集体学习: '支部集体学习',
  // The meetings of 组织生活 are forms of their own (issue 14); /会议 records them with attendance.
  党员大会: '支部党员大会',
  支部大会: '支部党员大会',
  支委会议: '支委会',
  支部委员会: '支委会',
  小组会: '党小组会',
  党日活动: '主题党日',
  民主评议: '民主评议党员',
  谈心: '谈心谈话',
  谈话: '谈心谈话',
  党课: '专题党课',
  讲党课: '专题党课',
  专题讲座: '专家辅导',
  讲座: '专家辅导',
  辅导: '专家辅导',
  专家讲座: '专家辅导',
  现场学习: '现场教学',
  红色教育基地: '现场教学',
  红色教育: '现场教学',
  教学片: '观看教学片',
  教育片: '观看教学片',
  警示教育片: '观看教学片',
  自学: '个人自学',
  研讨班: '读书班',
  读书会: '读书班',
  调研: '调查研究',
  志愿: '志愿服务',
  志愿活动: '志愿服务',
};

/** The form a word names (`研讨`, `三会一课`, `党课` …), or undefined. */
export function parseForm(word: string): Form | undefined {
  return lookup(FORM_SYNONYMS, word.normalize('NFKC').trim());
}

// Words for a discussion that do not say whose: the Party group's 中心组 only when a leader logs it or it is logged in
// the leadership chat; in a branch it is the branch's collective study.
const WHOSE_DISCUSSION = new Set(['研讨', '研讨会', '专题研讨', '交流研讨']);

/** The form a word names for whoever logs it: `研讨` typed in a branch is 支部集体学习, by the leadership 中心组. */
export function formOf(word: string, form: Form, leadership: boolean): Form {
  return !leadership && WHOSE_DISCUSSION.has(word.normalize('NFKC').trim()) ? '支部集体学习' : form;
}

/** A form written flush against a quoted title (`集中研讨《习近平著作选读》`): the form and the title. */
export function splitLeadingForm(word: string): { form: Form; rest: string } | undefined {
  const names = Object.keys(FORM_SYNONYMS).sort((a, b) => b.length - a.length);
  const name = names.find((n) => word.startsWith(n) && /^[《“"「]/.test(word.slice(n.length)));
  return name === undefined ? undefined : { form: FORM_SYNONYMS[name]!, rest: word.slice(name.length) };
}

// Words that name a kind of meeting or class rather than a book or speech.
const FORM_LIKE = /(会|课|研讨|讲座|培训|班|辅导|座谈|教学)$/;

/** Whether an unknown word reads like a form the user meant (`座谈会`, `培训班`) rather than the material. */
export function looksLikeForm(word: string): boolean {
  return parseForm(word) === undefined && !/[《》“”"「」]/.test(word) && [...word].length <= 8 && FORM_LIKE.test(word);
}

/** The canonical forms with their usual short names, for error replies. */
export function formList(): string {
  const short = new Map<Form, string[]>();
  for (const [word, form] of Object.entries(FORM_SYNONYMS)) if (word !== form && [...word].length <= 4) short.set(form, [...(short.get(form) ?? []), word]);
  return FORMS.map((f) => (short.get(f)?.length ? `${f}（${short.get(f)!.slice(0, 3).join('/')}）` : f)).join('、');
}
