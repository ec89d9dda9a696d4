// The demo's cast and data: two provincial departments and a few rows of a 人口 (population) resource.
// Everything is synthetic; the department codes are well-formed 统一社会信用代码 with correct check characters.
import { makeCreditCode } from '../util/credit-code.js';

/** A department of the demo. */
export interface DemoDepartment {
  /** Short name, used as the certificate CN. */
  name: string;
  organization: string;
  /** 统一社会信用代码: `11` (机关), region 510000, organization code body. */
  code: string;
}

/** The department that shares the data (数据提供方). */
export const PROVIDER: DemoDepartment = {
  name: '省公安厅',
  organization: '某省公安厅',
  code: makeCreditCode('11', '510000', 'MB123456'),
};

/** The department that receives it (数据使用方). */
export const CONSUMER: DemoDepartment = {
  name: '省卫健委',
  organization: '某省卫生健康委员会',
  code: makeCreditCode('11', '510000', 'MB234567'),
};

/** The department that reviews catalog entries and applications (审核方). */
export const REVIEWER: DemoDepartment = {
  name: '省大数据局',
  organization: '某省大数据发展管理局',
  code: makeCreditCode('11', '510000', 'MB345678'),
};

/** The exchange platform itself (共享平台). */
export const PLATFORM: DemoDepartment = {
  name: '共享平台',
  organization: '某省政务信息资源共享平台',
  code: makeCreditCode('12', '510000', 'MB456789'),
};

/** The resource the rows belong to: 人口基本信息 (an illustrative 信息资源代码, 基础信息资源 · 人口). */
export const RESOURCE = { code: '101001/000001', name: '人口基本信息' };

/** A few rows of the resource, as a provider's database would hand them over. */
export const SAMPLE_ROWS: readonly Record<string, string>[] = [
  {
    姓名: '张伟',
    性别: '男',
    民族: '汉族',
    出生日期: '1990-03-14',
    户籍地址: '成都市锦江区春熙路街道',
    更新时间: '2025-11-20T09:12:00+08:00',
  },
  {
    姓名: '李娜',
    性别: '女',
    民族: '彝族',
    出生日期: '1985-07-02',
    户籍地址: '凉山州西昌市长安街道',
    更新时间: '2025-11-21T14:03:00+08:00',
  },
  {
    姓名: '王强',
    性别: '男',
    民族: '藏族',
    出生日期: '2001-12-30',
    户籍地址: '甘孜州康定市炉城街道',
    更新时间: '2025-11-22T16:45:00+08:00',
  },
];
