import { StoreConflictError } from '../errors.js';
import { Evidence, EvidenceTarget, Measure, Problem, Task, type Change, type HistoryEntry, type LedgerVerbs } from '../ledger.js';
import type { IndexFn, Tables } from './engine.js';

/** The ledger's collections and their secondary indexes, spread into COLLECTIONS. */
export const LEDGER_COLLECTIONS: Record<string, Record<string, IndexFn>> = {
  problems: { branch: (p: Problem) => p.branchId, lead: (p: Problem) => p.leadPerson, status: (p: Problem) => p.status },
  measures: { problem: (m: Measure) => m.problemId, owner: (m: Measure) => m.owner },
  tasks: { assignee: (t: Task) => t.assignees.map((a) => a.openId), branch: (t: Task) => t.branchId, status: (t: Task) => t.status },
  evidence: { ref: (e: Evidence) => e.ref, by: (e: Evidence) => e.by, message: (e: Evidence) => e.messageId },
  evidenceTargets: {},
};

// Fields whose old → new values a history entry records; object fields (requests, close-out) are told by the action.
const PROBLEM_FIELDS = ['status', 'deadline', 'leadPerson', 'responsibleUnit', 'description', 'target', 'source', 'special'] as const;
const MEASURE_FIELDS = ['status', 'deadline', 'owner', 'content'] as const;
const TASK_FIELDS = ['status', 'deadline', 'content'] as const;

/** The ledger verbs over the engine's tables; records are validated by their schemas on every write. */
export function ledgerVerbs(t: Tables): LedgerVerbs {
  return {
    async openProblem(p, stamp) {
      const number = t.next('P');
      const rec = Problem.parse({
        ...p,
        id: `P${number}`,
        number,
        status: '整改中',
        created: stamp,
        history: [{ at: stamp.at, by: stamp.by, action: 'open', field: 'deadline', to: p.deadline, note: p.description }],
      });
      return t.insert('problems', rec);
    },
    async getProblem(id) {
      return t.get<Problem>('problems', id);
    },
    async listProblems(filter = {}) {
      const base =
        filter.branchId !== undefined
          ? t.by<Problem>('problems', 'branch', filter.branchId)
          : filter.leadPerson !== undefined
            ? t.by<Problem>('problems', 'lead', filter.leadPerson)
            : filter.status !== undefined
              ? t.by<Problem>('problems', 'status', filter.status)
              : [...t.all<Problem>('problems')];
      return base
        .filter((p) => (filter.branchId === undefined || p.branchId === filter.branchId) && (filter.leadPerson === undefined || p.leadPerson === filter.leadPerson) && (filter.status === undefined || p.status === filter.status))
        .sort((a, b) => a.number - b.number);
    },
    async updateProblem(id, set, change) {
      const old = t.get<Problem>('problems', id);
      if (!old) throw new StoreConflictError(`没有问题 ${id}`);
      const history = [...old.history, ...entries(old, set, change, PROBLEM_FIELDS)];
      return t.patch<Problem>('problems', id, Problem.parse({ ...old, ...set, history }));
    },
    async addMeasure(m, stamp) {
      const problem = t.get<Problem>('problems', m.problemId);
      if (!problem) throw new StoreConflictError(`没有问题 ${m.problemId}`);
      const seq = t.next(`${problem.id}-`);
      const rec = Measure.parse({
        ...m,
        id: `${problem.id}-${seq}`,
        seq,
        status: '整改中',
        created: stamp,
        history: [{ at: stamp.at, by: stamp.by, action: 'measure-add', field: 'deadline', to: m.deadline, note: m.content }],
      });
      return t.insert('measures', rec);
    },
    async getMeasure(id) {
      return t.get<Measure>('measures', id);
    },
    async listMeasures(filter = {}) {
      const base =
        filter.problemId !== undefined
          ? t.by<Measure>('measures', 'problem', filter.problemId)
          : filter.owner !== undefined
            ? t.by<Measure>('measures', 'owner', filter.owner)
            : [...t.all<Measure>('measures')];
      return base
        .filter((m) => (filter.problemId === undefined || m.problemId === filter.problemId) && (filter.owner === undefined || m.owner === filter.owner))
        .sort(byMeasureNumber);
    },
    async updateMeasure(id, set, change) {
      const old = t.get<Measure>('measures', id);
      if (!old) throw new StoreConflictError(`没有措施 ${id}`);
      const history = [...old.history, ...entries(old, set, change, MEASURE_FIELDS)];
      return t.patch<Measure>('measures', id, Measure.parse({ ...old, ...set, history }));
    },
    async addTask(task, stamp) {
      const number = t.next('T');
      const rec = Task.parse({
        ...task,
        id: `T${number}`,
        number,
        assignees: task.assignees.map((openId) => ({ openId })),
        status: '办理中',
        created: stamp,
        history: [{ at: stamp.at, by: stamp.by, action: 'task-add', field: 'deadline', to: task.deadline, note: task.content }],
      });
      return t.insert('tasks', rec);
    },
    async getTask(id) {
      return t.get<Task>('tasks', id);
    },
    async listTasks(filter = {}) {
      const base =
        filter.assignee !== undefined
          ? t.by<Task>('tasks', 'assignee', filter.assignee)
          : filter.branchId !== undefined
            ? t.by<Task>('tasks', 'branch', filter.branchId)
            : [...t.all<Task>('tasks')];
      return base
        .filter(
          (x) =>
            (filter.assignee === undefined || x.assignees.some((a) => a.openId === filter.assignee)) &&
            (filter.branchId === undefined || x.branchId === filter.branchId) &&
            (filter.status === undefined || x.status === filter.status),
        )
        .sort((a, b) => a.number - b.number);
    },
    async updateTask(id, set, change) {
      const old = t.get<Task>('tasks', id);
      if (!old) throw new StoreConflictError(`没有督办事项 ${id}`);
      const history = [...old.history, ...entries(old, set, change, TASK_FIELDS)];
      return t.patch<Task>('tasks', id, Task.parse({ ...old, ...set, history }));
    },
    async addEvidence(e) {
      const number = t.next('E');
      return t.insert('evidence', Evidence.parse({ ...e, id: `E${number}`, number }));
    },
    async getEvidence(id) {
      return t.get<Evidence>('evidence', id);
    },
    async listEvidence(filter = {}) {
      const base =
        filter.ref !== undefined
          ? t.by<Evidence>('evidence', 'ref', filter.ref)
          : filter.messageId !== undefined
            ? t.by<Evidence>('evidence', 'message', filter.messageId)
            : filter.by !== undefined
              ? t.by<Evidence>('evidence', 'by', filter.by)
              : [...t.all<Evidence>('evidence')];
      return base
        .filter((e) => (filter.ref === undefined || e.ref === filter.ref) && (filter.by === undefined || e.by === filter.by) && (filter.messageId === undefined || e.messageId === filter.messageId))
        .sort((a, b) => a.number - b.number);
    },
    async attachEvidence(id, ref, stamp) {
      const old = t.get<Evidence>('evidence', id);
      if (!old) throw new StoreConflictError(`没有佐证材料 ${id}`);
      return t.patch<Evidence>('evidence', id, Evidence.parse({ ...old, ref, attached: { by: stamp.by, at: stamp.at } }));
    },
    async setEvidenceTarget(openId, ref, at) {
      const old = t.get<EvidenceTarget>('evidenceTargets', openId);
      const rec = EvidenceTarget.parse({ id: openId, ref: ref ?? '', at });
      if (old) t.patch<EvidenceTarget>('evidenceTargets', openId, rec);
      else if (ref !== undefined) t.insert('evidenceTargets', rec);
    },
    async getEvidenceTarget(openId) {
      const rec = t.get<EvidenceTarget>('evidenceTargets', openId);
      return rec && rec.ref !== '' ? rec : undefined;
    },
  };
}

function entries<R extends object>(old: R, set: Partial<R>, change: Change, fields: readonly (keyof R & string)[]): HistoryEntry[] {
  const base = { at: change.at, by: change.by, action: change.action };
  const changed = fields.filter((f) => f in set && set[f] !== old[f]);
  if (changed.length === 0) return [{ ...base, ...(change.note !== undefined ? { note: change.note } : {}) }];
  return changed.map((f, i) => ({
    ...base,
    field: f,
    ...(old[f] !== undefined ? { from: String(old[f]) } : {}),
    ...(set[f] !== undefined ? { to: String(set[f]) } : {}),
    ...(i === 0 && change.note !== undefined ? { note: change.note } : {}),
  }));
}

function byMeasureNumber(a: Measure, b: Measure): number {
  return Number(a.problemId.slice(1)) - Number(b.problemId.slice(1)) || a.seq - b.seq;
}
