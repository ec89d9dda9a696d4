// The resource classification of the 政务信息资源目录编制指南（试行）: 类 (1 digit) · 项 (2) · 目 (3) · 细目 (optional).

/**
 * The three 类 (first-level classes) of a catalog: 基础信息资源 (`basic`), 主题信息资源 (`thematic`)
 * and 部门信息资源 (`departmental`).
 */
export type CatalogCategory = 'basic' | 'thematic' | 'departmental';

/**
 * The 1-digit 类 code of each category, the first digit of every resource code.
 * The compilation guide lists the three classes in this order (基础, 主题, 部门).
 */
export const CATEGORY_CODES = {
  basic: '1',
  thematic: '2',
  departmental: '3',
} as const satisfies Record<CatalogCategory, string>;

/** A named 项 (second-level class) with its 2-digit code. */
export interface CatalogClass {
  /** The 2-digit 项 code. */
  readonly code: string;
  /** The name used in the guide. */
  readonly nameZh: string;
  /** An English rendering of the name. */
  readonly nameEn: string;
}

/**
 * The five 基础信息资源 (basic resources) named by the guide, as 项 of the `basic` category.
 *
 * @example
 * ```ts
 * const classification = { category: 'basic', subclass: BASIC_CLASSES.population.code, group: '001' };
 * ```
 */
export const BASIC_CLASSES = {
  population: { code: '01', nameZh: '人口', nameEn: 'Population' },
  legalEntity: { code: '02', nameZh: '法人单位', nameEn: 'Legal entities' },
  naturalResourcesAndGeospatial: {
    code: '03',
    nameZh: '自然资源和空间地理',
    nameEn: 'Natural resources and geospatial',
  },
  socialCredit: { code: '04', nameZh: '社会信用', nameEn: 'Social credit' },
  electronicLicence: { code: '05', nameZh: '电子证照', nameEn: 'Electronic licences and certificates' },
} as const satisfies Record<string, CatalogClass>;

/**
 * The 主题信息资源 (thematic) fields the guide names, as 项 of the `thematic` category. The guide says the
 * list is open ("包括但不限于"), so other 2-digit 项 codes are accepted too.
 */
export const THEMATIC_CLASSES = {
  publicService: { code: '01', nameZh: '公共服务', nameEn: 'Public services' },
  healthSecurity: { code: '02', nameZh: '健康保障', nameEn: 'Health security' },
  socialSecurity: { code: '03', nameZh: '社会保障', nameEn: 'Social security' },
  foodAndDrugSafety: { code: '04', nameZh: '食品药品安全', nameEn: 'Food and drug safety' },
  workSafety: { code: '05', nameZh: '安全生产', nameEn: 'Work safety' },
  priceSupervision: { code: '06', nameZh: '价格监管', nameEn: 'Price supervision' },
  energySecurity: { code: '07', nameZh: '能源安全', nameEn: 'Energy security' },
  creditSystem: { code: '08', nameZh: '信用体系', nameEn: 'Credit system' },
  urbanRuralConstruction: { code: '09', nameZh: '城乡建设', nameEn: 'Urban and rural construction' },
  communityGovernance: { code: '10', nameZh: '社区治理', nameEn: 'Community governance' },
  ecologicalEnvironment: { code: '11', nameZh: '生态环保', nameEn: 'Ecology and environmental protection' },
  emergencyAndStability: { code: '12', nameZh: '应急维稳', nameEn: 'Emergency response and stability' },
} as const satisfies Record<string, CatalogClass>;

/**
 * The owning-body groups of 部门信息资源 (departmental resources), as 项 of the `departmental` category,
 * in the order the guide lists them.
 */
export const DEPARTMENTAL_CLASSES = {
  partyCentralCommittee: { code: '01', nameZh: '党中央', nameEn: 'Central Committee of the CPC' },
  npcStandingCommittee: { code: '02', nameZh: '全国人大常委会', nameEn: 'NPC Standing Committee' },
  stateCouncil: { code: '03', nameZh: '国务院', nameEn: 'State Council' },
  cppcc: { code: '04', nameZh: '全国政协', nameEn: 'CPPCC National Committee' },
  supremeCourt: { code: '05', nameZh: '最高人民法院', nameEn: "Supreme People's Court" },
  supremeProcuratorate: { code: '06', nameZh: '最高人民检察院', nameEn: "Supreme People's Procuratorate" },
  provincial: {
    code: '07',
    nameZh: '省（自治区、直辖市）及其下各级政务部门',
    nameEn: 'Provinces (autonomous regions, municipalities) and the departments below them',
  },
  separatelyPlannedCity: {
    code: '08',
    nameZh: '计划单列市及其下各级政务部门',
    nameEn: 'Cities specifically designated in the state plan and the departments below them',
  },
} as const satisfies Record<string, CatalogClass>;

/** A 项 code of one of the five basic resources. */
export type BasicClassCode = (typeof BASIC_CLASSES)[keyof typeof BASIC_CLASSES]['code'];
/** A 项 code of one of the thematic fields the guide names. */
export type ThematicClassCode = (typeof THEMATIC_CLASSES)[keyof typeof THEMATIC_CLASSES]['code'];

/** Where a resource sits in the catalog (信息资源分类). */
export interface CatalogClassification {
  /** 类: basic, thematic or departmental; gives the first digit of the code (see {@link CATEGORY_CODES}). */
  category: CatalogCategory;
  /** 项: second-level class, 2 digits (e.g. `'01'` 人口 under `basic`). */
  subclass: string;
  /** 目: third-level class, 3 digits. */
  group: string;
  /** 细目: optional fourth level, 1 to 12 digits, assigned by the cataloguing body. */
  detail?: string;
}

/**
 * The digits of a classification (分类码): 类 + 项 + 目 + 细目.
 *
 * @example
 * ```ts
 * classificationCode({ category: 'basic', subclass: '01', group: '001' }); // '101001'
 * ```
 */
export function classificationCode(classification: CatalogClassification): string {
  return (
    CATEGORY_CODES[classification.category] +
    classification.subclass +
    classification.group +
    (classification.detail ?? '')
  );
}
