/** The name every surface prints for each figure; the definitions are the TSDoc of the fields that compute them. */
export const FIGURE = {
  sessions: '学习活动次数',
  hours: '学时',
  participations: '参与人次',
  turnout: '参与率',
  found: '检视问题',
  special: '专项整治问题',
  rectified: '已整改销号',
  rate: '整改完成率',
  measures: '整改措施',
  overdueProblems: '逾期问题',
  overdueMeasures: '逾期措施',
  overdueItems: '逾期事项',
  overdueDays: '逾期工作日',
  quota: '指标完成',
  gaps: '指标缺口',
} as const;
