import { loadHubConfigFile } from './config/load.js';
import { createHub, type Hub } from './server.js';

/**
 * Starts a hub from a YAML configuration file (what `ferry hub start <file>` runs): reads and validates the
 * file, applies FERRY_HUB_* environment overrides, opens and migrates the database, and listens. Relative
 * paths in the file are relative to the file's folder. Resolves once the hub accepts requests; stop it with
 * `close()` (the caller decides which signals do that).
 *
 * @example
 * ```ts
 * const hub = await startHubFromConfigFile('examples/hub/hub.yaml');
 * console.log(`hub ${hub.departmentCode} at ${hub.url}`);
 * process.once('SIGTERM', () => hub.close());
 * ```
 */
export async function startHubFromConfigFile(
  file: string,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<Hub> {
  const { config, baseDir } = await loadHubConfigFile(file, { env: options.env ?? process.env });
  const hub = await createHub(config, { baseDir });
  try {
    await hub.listen();
  } catch (err) {
    await hub.close();
    throw err;
  }
  return hub;
}
