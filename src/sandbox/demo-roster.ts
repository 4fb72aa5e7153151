import type { Role } from '../../storage/records.js';

/** A branch of the demo bureau: its name, its chat, the units it answers for and its people (secretary first). */
export interface DemoBranch {
  name: string;
  chatId: string;
  units: readonly string[];
  /** The leader paired with the branch (联系支部): gives its 专题党课 and reviews what its secretary leads. */
  leader: string;
  people: readonly string[];
}

/** The audit subject the demo builder leaves, so the page can say which bureau it is showing. */
export const DEMO_MARK = 'sandbox-demo';

/** The demo bureau's leadership chat. */
export const DEMO_LEADERSHIP_CHAT = 'oc_demo_leadership';

/** The bureau leaders (局领导), 党组书记 first. */
export const DEMO_LEADERS = ['陈志远', '王立新', '赵敏', '孙国栋'] as const;

/** The Party affairs office (机关党委), who administers Duban. */
export const DEMO_ADMIN = '刘建华';

/** Five branches by section, seven people each; the first of each list is the branch secretary. */
export const DEMO_BRANCHES: readonly DemoBranch[] = [
  { name: '办公室党支部', chatId: 'oc_demo_branch_office', units: ['办公室', '人事科'], leader: '陈志远', people: ['周文静', '吴海涛', '郑丽娟', '冯晓东', '何雪梅', '许志强', '韩冰'] },
  { name: '政务服务科党支部', chatId: 'oc_demo_branch_service', units: ['政务服务科', '市政务服务中心'], leader: '王立新', people: ['杨帆', '马俊', '高红梅', '林晓峰', '罗佳', '梁国庆', '宋雨欣'] },
  { name: '数据资源科党支部', chatId: 'oc_demo_branch_data', units: ['数据资源科', '大数据中心'], leader: '赵敏', people: ['黄振宇', '谢婷', '唐明', '曹磊', '邓晓琳', '彭浩', '袁芳'] },
  { name: '行政审批科党支部', chatId: 'oc_demo_branch_approval', units: ['行政审批科', '营商环境科'], leader: '孙国栋', people: ['蒋卫东', '蔡晓燕', '田野', '董建军', '潘婷婷', '杜鹏', '钟慧'] },
  { name: '信息中心党支部', chatId: 'oc_demo_branch_it', units: ['信息中心', '网络安全科'], leader: '王立新', people: ['徐立华', '程刚', '沈佳怡', '姚远', '卢秀英', '范宇', '金鑫'] },
];

/** A stable open_id for a demo person's name. */
export function demoOpenId(name: string): string {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return `ou_demo_${h.toString(16).padStart(8, '0')}`;
}

/** Everyone in the demo bureau with role and branch name. */
export function demoPeople(): { name: string; openId: string; role: Role; branch?: string }[] {
  return [
    { name: DEMO_ADMIN, openId: demoOpenId(DEMO_ADMIN), role: 'admin' },
    ...DEMO_LEADERS.map((name) => ({ name, openId: demoOpenId(name), role: 'leader' as const })),
    ...DEMO_BRANCHES.flatMap((b) => b.people.map((name, i) => ({ name, openId: demoOpenId(name), role: i === 0 ? ('secretary' as const) : ('member' as const), branch: b.name }))),
  ];
}
