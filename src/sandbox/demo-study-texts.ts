/** Materials the plans name for collective study (篇目). */
export const DEMO_READINGS = [
  '《习近平著作选读》第一卷',
  '《习近平著作选读》第二卷',
  '《习近平新时代中国特色社会主义思想专题摘编》',
  '党的二十大报告',
  '《中国共产党章程》',
  '《论中国共产党历史》',
  '习近平总书记关于网络强国的重要思想',
  '习近平总书记关于数字中国建设的重要论述',
  '习近平总书记关于优化营商环境的重要论述',
  '《中国共产党纪律处分条例》',
] as const;

/** Branch meetings of 三会一课, as their minutes title them. */
export const DEMO_BRANCH_SESSIONS = ['支部党员大会', '支委会', '党小组会', '主题党日'] as const;

/** Volunteer activities a bureau's branches do. */
export const DEMO_VOLUNTEERING = [
  ['文明交通劝导', '人民大街与解放路交叉口'],
  ['社区环境清洁', '联系社区'],
  ['政务服务大厅导办服务', '市政务服务中心'],
  ['“数字助老”智能手机使用辅导', '联系社区养老服务站'],
  ['无偿献血', '市中心血站'],
  ['政策宣讲进社区', '联系社区党群服务中心'],
  ['企业走访帮办', '经济开发区'],
  ['关爱留守儿童', '城郊小学'],
] as const;

/** Educational films (观看教学片). */
export const DEMO_FILMS = ['警示教育片《零容忍》', '专题片《榜样》', '纪录片《数字中国》', '专题片《永远在路上》'] as const;

/** Places for on-site teaching (现场教学). */
export const DEMO_SITES = ['杨靖宇烈士陵园', '东北抗联纪念馆', '市党史教育基地', '市廉政教育基地'] as const;

/** Research topics from the seeds (调研课题), each with where it was studied. */
export const DEMO_RESEARCH = [
  ['全市一体化政务大数据体系建设', '市大数据中心'],
  ['运用信用手段支持企业发展', '经济开发区企业服务中心'],
  ['网上政务服务能力提升', '县政务服务中心'],
  ['推动营商环境优化', '县政务服务中心'],
  ['前瞻性布局元宇宙产业', '高新区数字产业园'],
  ['推动公共资源交易高质量发展', '市公共资源交易中心'],
  ['推动免费开放公共资源支持5G基站建设', '县通信基站建设现场'],
] as const;

/** Expert tutorials (专家辅导). */
export const DEMO_LECTURES = ['深入学习贯彻习近平新时代中国特色社会主义思想', '数字政府建设与数据要素市场化配置'] as const;

/** Themes of the leaders' Party lectures (专题党课). */
export const DEMO_PARTY_LECTURES = ['以学铸魂 以学促干 推动“数字强市”建设', '坚持人民至上 提升政务服务温度', '筑牢数据安全防线 守好数字政府底座', '以优化营商环境为抓手推动高质量发展'] as const;
