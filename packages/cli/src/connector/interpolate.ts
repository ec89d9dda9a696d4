// `${ENV_VAR}` references in configuration values: the one way secrets reach the daemon. Values that land
// in a password-like key or in a URL's user information are remembered as secrets, so logs and error
// messages can blank them out.

/** Keys whose values are secrets: never written literally in the file, never logged. */
const SECRET_KEY = /password|passphrase|secret|token/i;
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const ONLY_REFERENCES = /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*\})+$/;
/** `scheme://user:password@`: the user information of a URL. */
const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/** A problem found while interpolating, at a key path. */
export interface InterpolationIssue {
  path: (string | number)[];
  message: string;
}

/** The configuration with every reference replaced, the secret values it now holds, and any problems. */
export interface Interpolated {
  value: unknown;
  secrets: string[];
  issues: InterpolationIssue[];
}

/**
 * Replaces `${NAME}` in every string of `raw` with `env.NAME` (`$${` writes a literal `${`). A reference to
 * a variable that is not set is an issue naming the key. A password-like key, or a URL's password, that is
 * written literally rather than as references is an issue too: secrets come from the environment only.
 * Inside a URL's user information the values are percent-encoded, so a password may hold `@` or `/`.
 */
export function interpolateEnv(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
): Interpolated {
  const secrets = new Set<string>();
  const issues: InterpolationIssue[] = [];

  const substitute = (
    text: string,
    path: (string | number)[],
    encode: (v: string) => string,
    secret: boolean,
  ) =>
    text.replace(REFERENCE, (match, name: string | undefined) => {
      if (name === undefined) return '${'; // `$${` escape
      const value = env[name];
      if (value === undefined) {
        issues.push({ path, message: `environment variable ${name} is not set` });
        return match;
      }
      if (secret && value !== '') secrets.add(value);
      return encode(value);
    });

  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    if (typeof node !== 'string') return node;
    const key = path.at(-1);
    const secretKey = typeof key === 'string' && SECRET_KEY.test(key) && !/Env$/.test(key);
    if (secretKey) {
      if (!ONLY_REFERENCES.test(node)) {
        issues.push({
          path,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the configuration's own syntax, shown to the user
          message: 'write it as ${ENV_VAR}: secrets are read from the environment, never kept in the file',
        });
        return node;
      }
      return substitute(node, path, (v) => v, true);
    }
    const url = URL_USERINFO.exec(node);
    if (url) {
      const [whole, scheme, userinfo] = url as unknown as [string, string, string];
      const colon = userinfo.indexOf(':');
      const password = colon >= 0 ? userinfo.slice(colon + 1) : '';
      if (password !== '' && !ONLY_REFERENCES.test(password)) {
        issues.push({
          path,
          message:
            // biome-ignore lint/suspicious/noTemplateCurlyInString: the configuration's own syntax, shown to the user
            'the URL holds a password: write it as ${ENV_VAR} (scheme://user:${DB_PASSWORD}@host/db); secrets are read from the environment, never kept in the file',
        });
        return node;
      }
      const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
      const encodedUser = substitute(user, path, encodeURIComponent, false);
      const encodedPassword = substitute(password, path, encodeURIComponent, true);
      const rest = substitute(node.slice(whole.length), path, (v) => v, false);
      return `${scheme}${encodedUser}${colon >= 0 ? `:${encodedPassword}` : ''}@${rest}`;
    }
    return substitute(node, path, (v) => v, false);
  };

  const value = walk(raw, []);
  // Encoded forms leak into URLs and messages too.
  for (const s of [...secrets]) if (encodeURIComponent(s) !== s) secrets.add(encodeURIComponent(s));
  return { value, secrets: [...secrets], issues };
}

/**
 * Replaces every secret in `text` with `***`, also in its JSON-escaped form (log lines are JSON).
 *
 * @example
 * ```ts
 * redactSecrets('password authentication failed: s3cr3t', ['s3cr3t']); // 'password authentication failed: ***'
 * ```
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = out.split(secret).join('***');
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join('***');
  }
  return out;
}
