// `ferry catalog draft`: catalog entries for the configured resources, with everything a schema can tell
// filled in (classification from the code, provider from the certificate, data items from the columns)
// and everything else a `TODO: …` string saying what belongs there. A TODO never passes validation, so a
// draft cannot be submitted before a person has completed it.
import { type CatalogEntryDraft, type DataItem, draftCatalogEntries, parseResourceCode } from '@ferry/sdk';
import type { LoadedConnectorConfig } from './config.js';
import type { FileSourceSection } from './config-schema.js';
import { loadHubCredentials } from './hub-credentials.js';
import { openSqlSource, tableConfigs } from './open-source.js';

/** Marks a value a person must fill in. */
export const TODO = 'TODO';

/** A drafted entry and the paths of its TODO values. */
export interface DraftedEntry {
  resource: string;
  /** Where the data items came from: a table, or the file resource's columns. */
  origin: string;
  /** The entry, in the field order of a catalog entry; TODO strings where a person must decide. */
  entry: Record<string, unknown>;
  /** Paths of the TODO values, e.g. `summary`, `share.type`, `dataItems[3].precision`. */
  todo: string[];
}

/**
 * Drafts one catalog entry per configured resource. Reads table shapes from the source (SQL) or the
 * column mapping (file drops); the identity, when it loads, gives the provider and its code.
 *
 * @example
 * ```ts
 * const drafts = await draftCatalog(await loadConnectorConfig('connector.yaml', process.env), process.env);
 * console.log(drafts[0].todo); // ['name', 'summary', 'share.type', …]
 * ```
 */
export async function draftCatalog(
  loaded: LoadedConnectorConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DraftedEntry[]> {
  const { config } = loaded;
  const provider = await loadHubCredentials(config.hub, env).then(
    ({ identity }) => identity.certificate.subject,
    () => undefined,
  );
  const updateHint =
    'intervalSeconds' in config.schedule && config.schedule.intervalSeconds >= 86_400
      ? 'daily fits a daily schedule'
      : 'the daemon sends changes within seconds, so realtime fits unless the source itself changes less often';
  const complete = (resource: string, origin: string, draft: CatalogEntryDraft): DraftedEntry => {
    const parsed = parseResourceCode(resource);
    const entry: Record<string, unknown> = {
      classification: parsed?.classification ?? `${TODO}: 信息资源分类 { category, subclass, group }`,
      code: resource,
      name: `${TODO}: 信息资源名称, the resource's name as people know it (drafted from ${origin})`,
      provider: provider?.organization ?? `${TODO}: 信息资源提供方, the providing department's name`,
      providerCode:
        provider?.departmentCode ??
        `${TODO}: 提供方代码, the department's 统一社会信用代码 or department code`,
      summary: `${TODO}: 信息资源摘要, what the resource contains and what it is for`,
      format: draft.format,
      dataItems: draft.dataItems.map(completeItem),
      share: {
        type: `${TODO}: 共享类型, one of unconditional (无条件), conditional (有条件), none (不予共享)`,
        condition: `${TODO}: 共享条件, the conditions (conditional) or the legal basis for not sharing (none); remove this key for unconditional`,
        methods: ['platform'],
      },
      open: { isOpen: false },
      updateCycle: `${TODO}: 更新周期, one of realtime, daily, weekly, monthly, quarterly, semiannual, yearly, irregular (${updateHint})`,
      releaseDate: `${TODO}: 发布日期, YYYY-MM-DD`,
      version: 1,
      secrecy: 'non-classified',
      level: 'department',
    };
    return { resource, origin, entry, todo: todoPaths(entry) };
  };

  if (config.source.kind === 'file') {
    return config.source.resources.map((r) => {
      const resource = String(r.resource);
      return complete(resource, `file resource ${resource}`, fileDraft(r));
    });
  }
  const tables = tableConfigs(config);
  const source = await openSqlSource(config.source);
  try {
    const drafts = await draftCatalogEntries(source, tables);
    return drafts.map((draft, i) => complete(tables[i]!.resource, `table ${tables[i]!.table}`, draft));
  } finally {
    await source.close?.();
  }
}

/** A data item whose type the schema could not state exactly gets TODOs where the numbers go. */
function completeItem(item: DataItem): Record<string, unknown> {
  const out: Record<string, unknown> = { ...item };
  if (item.dataType === 'decimal' && item.precision === undefined) {
    out.precision = `${TODO}: total digits`;
    out.scale = `${TODO}: digits after the point`;
  }
  if (item.dataType === 'string' && item.length === undefined) out.length = `${TODO}: most characters`;
  if (item.description?.includes('fill in')) out.description = `${TODO}: ${item.description}`;
  return out;
}

/** Data items from a file resource's column mapping: names and types are known, lengths are not. */
function fileDraft(resource: FileSourceSection['resources'][number]): CatalogEntryDraft {
  const columns = (resource.columns ?? {}) as Record<string, { name: string; type: string }>;
  const key = new Set((resource.key as string[] | undefined) ?? []);
  const dataItems = Object.entries(columns).map(([header, c]): DataItem => {
    const base = { name: c.name, key: key.has(c.name), description: `source column ${header}` };
    switch (c.type) {
      case 'integer':
        return { ...base, dataType: 'integer' };
      case 'decimal':
        return { ...base, dataType: 'decimal' };
      case 'string':
        return { ...base, dataType: 'string' };
      case 'date':
      case 'datetime':
      case 'boolean':
      case 'binary':
        return { ...base, dataType: c.type };
      default:
        return { ...base, dataType: 'text' };
    }
  });
  return {
    name: String(resource.resource),
    format: { type: 'file', detail: String(resource.format) },
    dataItems,
  };
}

function todoPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return value.startsWith(TODO) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => todoPaths(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => todoPaths(v, path ? `${path}.${k}` : k));
  }
  return [];
}
