import type { Source } from './source.js';

/**
 * A connector: a typed factory from its configuration to a {@link Source} (or a richer instance, such as a
 * {@link SqlSource}). The factory does no I/O; the source connects on first use, so creating one is cheap
 * and safe to do twice.
 *
 * @example
 * ```ts
 * import type { ConnectorFactory } from '@ferry/sdk/connector';
 *
 * const postgres: ConnectorFactory<{ connection: string }> = (config) => createSqlSource({ … });
 * const source = postgres({ connection: 'postgres://127.0.0.1/test' });
 * ```
 */
export type ConnectorFactory<Config, Instance extends Source = Source> = (config: Config) => Instance;

/**
 * Declares a connector: returns the factory unchanged, with its type checked. Equivalent to annotating a
 * const with {@link ConnectorFactory}; use whichever reads better.
 *
 * @example
 * ```ts
 * export const fileDrop = defineConnector((config: { dir: string }) => createFileSource(config));
 * ```
 */
export function defineConnector<Config, Instance extends Source = Source>(
  factory: ConnectorFactory<Config, Instance>,
): ConnectorFactory<Config, Instance> {
  return factory;
}
