// Database libraries are never hard dependencies of the sdk: passed in by the caller or imported lazily.
import { FerryError } from '../errors/index.js';

/**
 * Returns `provided` when given, otherwise calls `load` (a dynamic `import()` written in the connector's
 * own package, so the module resolves from there). A missing module fails with a message that says how
 * to fix it: "Cannot import `pg`. Make sure it is installed or provide it via the `pg` option."
 *
 * @param name - package name, for the message, e.g. `'knex'`, `'pg'`, `'mysql2'`.
 * @param option - the config option through which a caller can pass the module instead.
 * @param load - imports the module, e.g. `() => import('knex')`.
 *
 * @example
 * ```ts
 * const knex = await loadModule('knex', 'knexModule', () => import('knex'), config.knexModule);
 * ```
 */
export async function loadModule<T>(
  name: string,
  option: string,
  load: () => Promise<T>,
  provided?: T,
): Promise<T> {
  if (provided !== undefined) return provided;
  try {
    const mod = (await load()) as { default?: T } & T;
    // CJS packages arrive as { default: module.exports } under ESM; the module itself under CJS.
    return (mod.default ?? mod) as T;
  } catch (cause) {
    throw new FerryError(
      'FERRY_SOURCE_UNAVAILABLE',
      `Cannot import \`${name}\`. Make sure it is installed or provide it via the \`${option}\` option.`,
      { cause, details: { module: name } },
    );
  }
}
