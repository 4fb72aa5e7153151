import { z } from 'zod';
import { Stamp } from './records.js';

/** Where a problem was found, in the words the self-inspection reports use; 专项整治 is only read from older data (now the `special` mark). */
export const PROBLEM_SOURCES = ['调查研究发现', '推动发展遇到', '群众反映强烈', '专项整治'] as const;
export type ProblemSource = (typeof PROBLEM_SOURCES)[number];

/** Stored statuses; 已驳回 is only a history event (the problem goes back to 整改中) and 逾期 is derived, never stored. */
export const PROBLEM_STATUSES = ['整改中', '申请延期', '待审核', '已整改销号'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

/** A measure is worked on until its owner reports it done, or is cancelled (已撤销) when it became moot. */
export const MEASURE_STATUSES = ['整改中', '已完成', '已撤销'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];

/** A task is 已办结 once the assigner accepted every assignee's report (older tasks: once all reported); 已撤销 tasks are silent. */
export const TASK_STATUSES = ['办理中', '已办结', '已撤销'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** What a history entry records; rendered in Chinese by commands/ledger/ledger-status.ts. */
export const HISTORY_ACTIONS = [
  'open', // 登记
  'edit', // 修改字段
  'progress', // 进展
  'measure-add', // 新增措施（measure history only）
  'measure-done', // 措施完成
  'close-request', // 申请销号
  'close-approve', // 审核通过，已整改销号
  'close-reject', // 驳回销号，退回整改中
  'extend-request', // 申请延期
  'extend-approve', // 同意延期
  'extend-reject', // 驳回延期
  'void', // 作废
  'task-add', // 交办
  'task-report', // 报告办理结果
  'task-accept', // 办结（交办人认可一位负责人的报告）
  'task-return', // 退回报告
  'task-reassign', // 改派负责人
  'task-cancel', // 取消督办
  'measure-cancel', // 撤销措施
  'evidence-add', // 添加佐证材料
  'mark', // 专项整治标记
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

/** One append-only line: who did what when, and for a field change its old and new value. */
export const HistoryEntry = z.object({
  at: z.string(),
  by: z.string(),
  action: z.enum(HISTORY_ACTIONS),
  field: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  note: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** A problem (问题) in the rectification ledger, numbered P1, P2 … across the bureau; never deleted. */
export const Problem = z.object({
  id: z.string(), // `P12`
  number: z.number().int().positive(),
  branchId: z.string(),
  description: z.string().min(1),
  source: z.enum(PROBLEM_SOURCES).optional(),
  /** 专项整治: a mark any source can carry; absent on older data, where source 专项整治 stands for it (see `isSpecial`). */
  special: z.boolean().optional(),
  target: z.string().optional(),
  responsibleUnit: z.string().min(1),
  leadPerson: z.string(), // open_id
  deadline: z.string(), // LocalDate; the first one is kept in history when extended
  status: z.enum(PROBLEM_STATUSES),
  /** The latest close-out request; pending while status is 待审核. */
  closeRequest: z.object({ by: z.string(), at: z.string(), evidence: z.string(), openMeasures: z.array(z.string()) }).optional(),
  /** The latest extension request; pending while status is 申请延期. */
  extensionRequest: z.object({ by: z.string(), at: z.string(), deadline: z.string(), reason: z.string() }).optional(),
  /** Set when a reviewer approved the close-out (已整改销号). */
  closed: z.object({ by: z.string(), at: z.string(), evidence: z.string(), requestedBy: z.string() }).optional(),
  /** Set when an admin voided a mistaken problem: it stays visible but leaves every count. */
  voided: z.object({ by: z.string(), at: z.string(), reason: z.string() }).optional(),
  created: Stamp,
  history: z.array(HistoryEntry),
});
export type Problem = z.infer<typeof Problem>;

/** Whether a problem is a 专项整治 item: the mark, or on older data the source 专项整治. */
export function isSpecial(p: Pick<Problem, 'special' | 'source'>): boolean {
  return p.special ?? p.source === '专项整治';
}

/** The source a problem counts under: older data's source 专项整治 is a mark, not a source, so it counts as unnamed. */
export function sourceOf(p: Pick<Problem, 'source'>): Exclude<ProblemSource, '专项整治'> | undefined {
  return p.source === '专项整治' ? undefined : p.source;
}

/** A rectification measure (整改措施) of a problem, numbered P12-1, P12-2 …, with its own owner and deadline. */
export const Measure = z.object({
  id: z.string(), // `P12-1`
  problemId: z.string(),
  seq: z.number().int().positive(),
  content: z.string().min(1),
  owner: z.string(), // open_id
  deadline: z.string(), // LocalDate
  status: z.enum(MEASURE_STATUSES),
  done: z.object({ by: z.string(), at: z.string(), note: z.string() }).optional(),
  /** Set when the lead person, secretary or an admin cancelled it: kept, but no longer counted or reminded. */
  cancelled: z.object({ by: z.string(), at: z.string(), reason: z.string() }).optional(),
  created: Stamp,
  history: z.array(HistoryEntry),
});
export type Measure = z.infer<typeof Measure>;

/** One assignee's report-back: reported, then accepted (办结) or returned (退回, the report cleared and the reason kept). */
export const TaskAssignee = z.object({
  openId: z.string(),
  reportedAt: z.string().optional(),
  result: z.string().optional(),
  acceptedAt: z.string().optional(),
  acceptedBy: z.string().optional(),
  /** The latest return, shown to the assignee until they report again. */
  returned: z.object({ by: z.string(), at: z.string(), reason: z.string() }).optional(),
});
export type TaskAssignee = z.infer<typeof TaskAssignee>;

/** An assigned task (督办事项), numbered T1, T2 …; done when every assignee has reported. */
export const Task = z.object({
  id: z.string(), // `T3`
  number: z.number().int().positive(),
  content: z.string().min(1),
  deadline: z.string(), // LocalDate
  assigner: z.string(), // open_id
  /** The chat where it was given: the assigner is told of results there. */
  chatId: z.string(),
  branchId: z.string().optional(),
  assignees: z.array(TaskAssignee).min(1),
  status: z.enum(TASK_STATUSES),
  /** The latest extension request by an assignee; pending until the assigner (or the secretary, a leader, an admin) decides. */
  extensionRequest: z.object({ by: z.string(), at: z.string(), deadline: z.string(), reason: z.string(), pending: z.boolean() }).optional(),
  /** Set when the task was cancelled (取消督办): it stays visible but is never reminded or escalated again. */
  cancelled: z.object({ by: z.string(), at: z.string(), reason: z.string() }).optional(),
  created: Stamp,
  history: z.array(HistoryEntry),
});
export type Task = z.infer<typeof Task>;

/** File types kept as evidence, recognised by their first bytes (never by the name a sender gave). */
export const EVIDENCE_TYPES = ['png', 'jpeg', 'pdf', 'docx', 'xlsx'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** A file or image sent to the bot as evidence (佐证材料), numbered E1, E2 …; its bytes are in the store's evidence area. */
export const Evidence = z.object({
  id: z.string(), // `E3`
  number: z.number().int().positive(),
  /** The Feishu message that carried it and the key Feishu gave the file or image. */
  messageId: z.string(),
  fileKey: z.string(),
  kind: z.enum(['image', 'file']),
  fileName: z.string(),
  type: z.enum(EVIDENCE_TYPES),
  size: z.number().int().nonnegative(),
  /** Key in the evidence area (kept, never dropped like a sent export). */
  storedKey: z.string(),
  by: z.string(),
  at: z.string(),
  /** The item it belongs to (P12, P12-1, T3) once the sender said so. */
  ref: z.string().optional(),
  attached: z.object({ by: z.string(), at: z.string() }).optional(),
});
export type Evidence = z.infer<typeof Evidence>;
export type NewEvidence = Omit<Evidence, 'id' | 'number' | 'ref' | 'attached'>;

/** `/佐证 P12` without a file: the sender's next file belongs to `ref` (one per person, replaced by the next). */
export const EvidenceTarget = z.object({ id: z.string(), ref: z.string(), at: z.string() });
export type EvidenceTarget = z.infer<typeof EvidenceTarget>;

/** Who changes a record, when, and why; each changed field becomes its own `from → to` history entry. */
export interface Change {
  at: string;
  by: string;
  action: HistoryAction;
  note?: string;
}

export type NewProblem = Pick<Problem, 'branchId' | 'description' | 'responsibleUnit' | 'leadPerson' | 'deadline'> &
  Partial<Pick<Problem, 'source' | 'target' | 'special'>>;
export type ProblemPatch = Partial<Pick<Problem, 'status' | 'deadline' | 'leadPerson' | 'responsibleUnit' | 'description' | 'target' | 'source' | 'special' | 'closeRequest' | 'extensionRequest' | 'closed' | 'voided'>>;
export type NewMeasure = Pick<Measure, 'problemId' | 'content' | 'owner' | 'deadline'>;
export type MeasurePatch = Partial<Pick<Measure, 'status' | 'deadline' | 'owner' | 'content' | 'done' | 'cancelled'>>;
export type NewTask = Pick<Task, 'content' | 'deadline' | 'assigner' | 'chatId' | 'branchId'> & { assignees: string[] };
export type TaskPatch = Partial<Pick<Task, 'status' | 'deadline' | 'content' | 'assignees' | 'extensionRequest' | 'cancelled'>>;

/** The problem list, measures and assigned tasks; nothing is deleted and every change appends history. */
export interface LedgerVerbs {
  /** Numbers the problem P<n> from the bureau-wide series and records its opening. */
  openProblem(p: NewProblem, stamp: Stamp): Promise<Problem>;
  getProblem(id: string): Promise<Problem | undefined>;
  /** In number order; voided problems included (callers decide whether to show them). */
  listProblems(filter?: { branchId?: string; leadPerson?: string; status?: ProblemStatus }): Promise<Problem[]>;
  /** Applies `set` and appends one history entry per changed field (or one plain entry when none changed). */
  updateProblem(id: string, set: ProblemPatch, change: Change): Promise<Problem>;
  /** Numbers the measure P<n>-<k> within its problem. */
  addMeasure(m: NewMeasure, stamp: Stamp): Promise<Measure>;
  getMeasure(id: string): Promise<Measure | undefined>;
  listMeasures(filter?: { problemId?: string; owner?: string }): Promise<Measure[]>;
  updateMeasure(id: string, set: MeasurePatch, change: Change): Promise<Measure>;
  /** Numbers the task T<n>. */
  addTask(t: NewTask, stamp: Stamp): Promise<Task>;
  getTask(id: string): Promise<Task | undefined>;
  listTasks(filter?: { assignee?: string; branchId?: string; status?: TaskStatus }): Promise<Task[]>;
  updateTask(id: string, set: TaskPatch, change: Change): Promise<Task>;
  /** Numbers the evidence E<n>. */
  addEvidence(e: NewEvidence): Promise<Evidence>;
  getEvidence(id: string): Promise<Evidence | undefined>;
  /** In number order. */
  listEvidence(filter?: { ref?: string; by?: string; messageId?: string }): Promise<Evidence[]>;
  attachEvidence(id: string, ref: string, stamp: Stamp): Promise<Evidence>;
  /** Sets (or with `ref` undefined, clears) where a person's next file goes. */
  setEvidenceTarget(openId: string, ref: string | undefined, at: string): Promise<void>;
  getEvidenceTarget(openId: string): Promise<EvidenceTarget | undefined>;
}
