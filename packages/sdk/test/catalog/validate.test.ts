// Every catalog rule is checked, every problem is reported at once with its exact path, in Chinese and English.
import { describe, expect, it } from 'vitest';
import { type CatalogIssue, checkCatalogEntry, validateCatalogEntry } from '../../src/catalog/index.js';
import { FerryError, isFerryError } from '../../src/errors/index.js';
import { edited, populationEntry } from './fixtures.js';

function issuesOf(input: unknown): CatalogIssue[] {
  const result = checkCatalogEntry(input);
  if (result.ok) throw new Error('expected the entry to be invalid');
  return result.issues;
}

/** The one issue at `path`, after checking that both messages are there and that no other path is reported. */
function onlyIssue(input: unknown, path: string): CatalogIssue {
  const issues = issuesOf(input);
  expect(issues.map((i) => i.path)).toEqual([path]);
  const [issue] = issues as [CatalogIssue];
  expect(issue.messageZh).toMatch(/[\u4e00-\u9fff]/);
  expect(issue.messageEn).toMatch(/^[\x20-\x7e“”≥—（）\u4e00-\u9fff]+$/);
  return issue;
}

describe('validateCatalogEntry', () => {
  it('returns a valid entry unchanged', () => {
    const entry = populationEntry();
    expect(validateCatalogEntry(entry)).toEqual(entry);
    expect(checkCatalogEntry(entry)).toEqual({ ok: true, entry });
  });

  it('throws FERRY_CATALOG_INVALID with every issue and the first path as location.field', () => {
    const input = edited((e) => {
      e.dataItems[1].length = undefined;
      e.dataItems[3].length = -5;
      e.share.type = 'none';
      delete e.share.condition;
    });
    let caught: unknown;
    try {
      validateCatalogEntry(input);
    } catch (err) {
      caught = err;
    }
    expect(isFerryError(caught, 'FERRY_CATALOG_INVALID')).toBe(true);
    const err = caught as FerryError;
    expect(err).toBeInstanceOf(FerryError);
    const issues = err.details?.issues as CatalogIssue[];
    expect(issues.map((i) => i.path)).toEqual([
      'dataItems[1].length',
      'dataItems[3].length',
      'share.condition',
      'share.methods',
    ]);
    expect(err.location?.field).toBe('dataItems[1].length');
    expect(err.message).toContain('4 problems');
    for (const issue of issues) {
      expect(issue.messageZh.length).toBeGreaterThan(0);
      expect(issue.messageEn.length).toBeGreaterThan(0);
    }
  });

  it('reports problems in fields that are broken and cross-field rules in one pass', () => {
    const issues = issuesOf(
      edited((e) => {
        e.name = '   ';
        e.code = '102001/000001';
        e.dataItems[0].dataType = 'varchar';
        e.dataItems[2].name = '姓名';
        e.releaseDate = '2024-02-30';
        e.extra = true;
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'code',
      'name',
      'dataItems[0].dataType',
      'dataItems[2].name',
      'releaseDate',
      'extra',
    ]);
  });

  it('rejects what is not an object', () => {
    for (const input of [null, 'entry', 42, []]) {
      const issue = onlyIssue(input, '');
      expect(issue.messageEn).toBe('the catalog entry must be an object');
      expect(issue.messageZh).toBe('目录条目应为对象');
    }
  });

  it('names each missing field', () => {
    const issues = issuesOf({});
    expect(issues.map((i) => i.path)).toEqual([
      'classification',
      'code',
      'name',
      'provider',
      'providerCode',
      'summary',
      'format',
      'dataItems',
      'share',
      'open',
      'updateCycle',
      'releaseDate',
      'version',
      'secrecy',
      'level',
    ]);
    expect(issues[0]).toEqual({
      path: 'classification',
      messageZh: '缺少必填项：信息资源分类（classification）',
      messageEn: 'classification is required',
    });
  });

  it('rejects unknown keys, which are usually misspellings', () => {
    const issue = onlyIssue(
      edited((e) => {
        e.dataItems[2].Length = 8;
      }),
      'dataItems[2].Length',
    );
    expect(issue.messageEn).toContain('case-sensitive');
    expect(issue.messageZh).toContain('未知字段');
  });

  it('says what type a field should have', () => {
    const issue = onlyIssue(
      edited((e) => {
        e.dataItems[1].length = '50';
      }),
      'dataItems[1].length',
    );
    expect(issue).toEqual({
      path: 'dataItems[1].length',
      messageZh: '数据长度（dataItems[1].length）应为数字',
      messageEn: 'dataItems[1].length must be a number',
    });
    expect(
      onlyIssue(
        edited((e) => {
          e.version = 1.5;
        }),
        'version',
      ).messageEn,
    ).toBe('version must be an integer');
  });
});

describe('catalog rules', () => {
  it('needs at least one data item', () => {
    const issue = onlyIssue(
      edited((e) => {
        e.dataItems = [];
      }),
      'dataItems',
    );
    expect(issue.messageZh).toBe('信息项（dataItems）至少需要 1 项');
    expect(issue.messageEn).toBe('dataItems needs at least 1 item');
  });

  it('needs a key item for database and file resources, not for interfaces', () => {
    const noKey = (type: string, detail?: string) =>
      edited((e) => {
        e.format = detail === undefined ? { type } : { type, detail };
        for (const item of e.dataItems) item.key = false;
      });
    expect(onlyIssue(noKey('database'), 'dataItems').messageEn).toBe(
      'a resource in database format needs at least one data item with key: true',
    );
    const file = onlyIssue(noKey('file', 'csv'), 'dataItems');
    expect(file.messageZh).toContain('电子文件');
    expect(file.messageZh).toContain('主键');
    expect(checkCatalogEntry(noKey('interface', 'rest')).ok).toBe(true);
  });

  it('needs unique data item names', () => {
    const issue = onlyIssue(
      edited((e) => {
        e.dataItems[3].name = ' 姓名 ';
      }),
      'dataItems[3].name',
    );
    expect(issue.messageEn).toBe(
      'dataItems[3].name " 姓名 " repeats dataItems[1].name; data item names must be unique',
    );
    expect(issue.messageZh).toContain('必须唯一');
  });

  it('needs a length for string items', () => {
    const issue = onlyIssue(
      edited((e) => {
        delete e.dataItems[1].length;
      }),
      'dataItems[1].length',
    );
    expect(issue).toEqual({
      path: 'dataItems[1].length',
      messageZh: '信息项“姓名”为字符型（string），必须填写数据长度（dataItems[1].length）',
      messageEn: 'dataItems[1].length is required: data item "姓名" is a string',
    });
  });

  it('needs precision and scale for decimals, with precision ≥ scale', () => {
    const decimal = (item: Record<string, unknown>) =>
      edited((e) => {
        e.dataItems.push({ name: '月收入', dataType: 'decimal', key: false, ...item });
      });
    expect(checkCatalogEntry(decimal({ precision: 12, scale: 2 })).ok).toBe(true);
    expect(checkCatalogEntry(decimal({ precision: 5, scale: 5 })).ok).toBe(true);
    const tooBig = onlyIssue(decimal({ precision: 2, scale: 4 }), 'dataItems[4].scale');
    expect(tooBig.messageEn).toBe(
      'dataItems[4].scale 4 is larger than the precision 2; a decimal needs precision ≥ scale',
    );
    expect(tooBig.messageZh).toContain('小数位数不能超过精度');
    expect(issuesOf(decimal({})).map((i) => i.path)).toEqual([
      'dataItems[4].precision',
      'dataItems[4].scale',
    ]);
    expect(
      onlyIssue(decimal({ precision: 10, scale: 2, length: 10 }), 'dataItems[4].length').messageEn,
    ).toContain('give precision and scale instead');
  });

  it('allows precision and scale only on decimals', () => {
    const issue = onlyIssue(
      edited((e) => {
        e.dataItems[2].precision = 8;
      }),
      'dataItems[2].precision',
    );
    expect(issue.messageEn).toBe('dataItems[2].precision applies only to decimal data items, not to date');
    expect(issue.messageZh).toContain('只适用于数值型');
  });

  it('needs a share condition for conditional and not-shared resources', () => {
    const conditional = onlyIssue(
      edited((e) => {
        delete e.share.condition;
      }),
      'share.condition',
    );
    expect(conditional.messageZh).toBe(
      '共享类型为有条件共享时必须填写共享条件（share.condition），写明申请方须满足的条件及依据',
    );
    expect(conditional.messageEn).toContain('share.type is "conditional"');

    const none = onlyIssue(
      edited((e) => {
        e.share = { type: 'none' };
      }),
      'share.condition',
    );
    expect(none.messageZh).toContain('不予共享的法律、行政法规或政策依据');
    expect(none.messageEn).toContain('share.type is "none"');

    const blank = onlyIssue(
      edited((e) => {
        e.share.condition = ' ';
      }),
      'share.condition',
    );
    expect(blank.messageEn).toBe('share.condition must not be empty');

    expect(
      checkCatalogEntry(
        edited((e) => {
          e.share = { type: 'unconditional', methods: ['platform'] };
        }),
      ).ok,
    ).toBe(true);
  });

  it('needs share methods for shared resources and none for resources that are not shared', () => {
    expect(
      onlyIssue(
        edited((e) => {
          e.share.methods = [];
        }),
        'share.methods',
      ).messageEn,
    ).toBe('share.methods needs at least one method for a shared resource');
    expect(
      onlyIssue(
        edited((e) => {
          e.share = { type: 'none', condition: '《中华人民共和国个人信息保护法》', methods: ['email'] };
        }),
        'share.methods',
      ).messageZh,
    ).toBe('不予共享的信息资源不应填写共享方式（share.methods）');
    expect(
      onlyIssue(
        edited((e) => {
          e.share.methods = ['interface', 'fax'];
        }),
        'share.methods[1]',
      ).messageEn,
    ).toBe('share.methods[1] must be one of: platform, email, disk, interface, file');
    expect(
      onlyIssue(
        edited((e) => {
          e.share.methods = ['interface', 'interface'];
        }),
        'share.methods[1]',
      ).messageEn,
    ).toBe('share.methods[1] repeats "interface"');
  });

  it('does not let a resource that is not shared be open to the public', () => {
    const issue = onlyIssue(
      edited((e) => {
        e.share = { type: 'none', condition: '《中华人民共和国个人信息保护法》' };
        e.open = { isOpen: true };
      }),
      'open.isOpen',
    );
    expect(issue.messageZh).toContain('不予共享的信息资源不能向社会开放');
  });

  it('needs the concrete format for files and other formats', () => {
    const issue = onlyIssue(
      edited((e) => {
        e.format = { type: 'file' };
      }),
      'format.detail',
    );
    expect(issue.messageEn).toBe(
      'format.detail is required when format.type is "file" (e.g. csv, xlsx, ofd)',
    );
    expect(issue.messageZh).toContain('电子文件');
  });

  it('checks the resource code form and its agreement with the classification', () => {
    const form = onlyIssue(
      edited((e) => {
        e.code = '101001-000001';
      }),
      'code',
    );
    expect(form.messageEn).toContain('e.g. 101001/000001');
    expect(form.messageZh).toContain('分类码/顺序码');

    const mismatch = onlyIssue(
      edited((e) => {
        e.classification.detail = '07';
      }),
      'code',
    );
    expect(mismatch).toEqual({
      path: 'code',
      messageZh: '信息资源代码（code）的分类码 101001 与信息资源分类给出的 10100107 不一致',
      messageEn: 'code starts with 101001 but the classification gives 10100107',
    });
    expect(
      checkCatalogEntry(
        edited((e) => {
          e.classification.detail = '07';
          e.code = '10100107/000001';
        }),
      ).ok,
    ).toBe(true);
  });

  it('checks the classification digits', () => {
    const issues = issuesOf(
      edited((e) => {
        e.classification = { category: 'regional', subclass: '1', group: '0001', detail: 'A' };
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'classification.category',
      'classification.subclass',
      'classification.group',
      'classification.detail',
    ]);
    expect(issues[1]?.messageEn).toBe('classification.subclass (项) must be 2 digits, e.g. 01');
    expect(issues[2]?.messageZh).toBe('信息资源分类的“目”（classification.group）应为3位数字，如 001');
  });

  it('checks related resource codes', () => {
    const issues = issuesOf(
      edited((e) => {
        e.relatedCodes = ['101001/000001', '101002/000001', '101002/000001', '101002'];
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(['relatedCodes[0]', 'relatedCodes[2]', 'relatedCodes[3]']);
    expect(issues[0]?.messageEn).toBe("relatedCodes[0] is the entry's own code");
    expect(issues[1]?.messageEn).toBe('relatedCodes[2] repeats 101002/000001');
    expect(issues[2]?.messageZh).toContain('分类码/顺序码');
  });

  it('checks the provider code check character and shape', () => {
    const typo = onlyIssue(
      edited((e) => {
        e.providerCode = '11350100000012354L';
      }),
      'providerCode',
    );
    expect(typo.messageEn).toMatch(
      /^providerCode fails the GB 32100 check: the 18th character should be [0-9A-Y]/,
    );
    expect(typo.messageZh).toContain('校验码错误');
    const lower = onlyIssue(
      edited((e) => {
        e.providerCode = '11350100000012345l';
      }),
      'providerCode',
    );
    expect(lower.messageZh).toContain('统一社会信用代码');
    expect(
      checkCatalogEntry(
        edited((e) => {
          e.providerCode = '36001';
        }),
      ).ok,
    ).toBe(true);
  });

  it('accepts only non-classified resources and says why', () => {
    const issue = onlyIssue(
      edited((e) => {
        e.secrecy = 'secret';
      }),
      'secrecy',
    );
    expect(issue.messageEn).toContain('Ferry registers only non-classified resources');
    expect(issue.messageZh).toContain('涉密信息资源须按保密规定');
  });

  it('checks dates, versions, cycles and levels', () => {
    const issues = issuesOf(
      edited((e) => {
        e.releaseDate = '2024/03/01';
        e.version = 0;
        e.updateCycle = 'hourly';
        e.level = 'province';
      }),
    );
    expect(issues.map((i) => [i.path, i.messageEn])).toEqual([
      [
        'updateCycle',
        'updateCycle must be one of: realtime, daily, weekly, monthly, quarterly, semiannual, yearly, irregular',
      ],
      ['releaseDate', 'releaseDate must be a real date written YYYY-MM-DD, e.g. 2024-03-01'],
      ['version', 'version must be greater than 0'],
      ['level', 'level must be one of: department, national'],
    ]);
    expect(issues[0]?.messageZh).toContain('更新周期（updateCycle）');
    expect(
      checkCatalogEntry(
        edited((e) => {
          e.releaseDate = '2024-02-29';
        }),
      ).ok,
    ).toBe(true);
  });
});
