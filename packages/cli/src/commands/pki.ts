// `ferry pki …`: a test platform's PKI from the command line — CA, department certificates, CSRs, inspection.
import { resolve } from 'node:path';
import {
  CertificateRequest,
  createCsr,
  FerryError,
  generateKeyPair,
  type KeyAlgorithm,
  type SubjectInput,
} from '@ferry/sdk';
import { type Command, Option } from 'commander';
import { initCa, loadCa } from '../pki/ca-files.js';
import { inspectBytes } from '../pki/inspect-file.js';
import { issueDepartment } from '../pki/issue-department.js';
import { describeKeyAlgorithm, loadKeyFile } from '../pki/key-files.js';
import { creditCodeProblem } from '../util/credit-code.js';
import { usageError } from '../util/errors.js';
import { assertCanWrite, readInput, writeOutput } from '../util/files.js';
import { type CliIo, printLines } from '../util/io.js';
import { KEY_ALGORITHMS, positiveInteger } from '../util/options.js';
import { secretFromEnv } from '../util/secrets.js';
import { formatFields } from '../util/text.js';

const PROFILES = ['department', 'department-signing', 'department-encryption'] as const;

/** Adds `ferry pki` and its subcommands to `program`. */
export function registerPkiCommands(program: Command, io: CliIo): void {
  const pki = program
    .command('pki')
    .description(
      'a platform CA for tests and pilots: create it, issue department certificates, inspect files',
    );

  pki
    .command('init-ca')
    .description('create a self-signed platform CA: <dir>/ca.crt and <dir>/ca.key')
    .requiredOption('--dir <dir>', 'directory to write ca.crt and ca.key to')
    .addOption(new Option('--algorithm <alg>', 'key algorithm').choices(KEY_ALGORITHMS).default('sm2'))
    .option('--name <name>', 'CA common name', 'Ferry Platform CA')
    .option('--org <organization>', 'organization that runs the platform')
    .option('--days <days>', 'validity in days', positiveInteger, 3650)
    .option('--passphrase-env <var>', 'encrypt ca.key with the passphrase in this environment variable')
    .option('--force', 'overwrite existing files', false)
    .action(async (opts) => {
      const passphrase = secretFromEnv(io, opts.passphraseEnv, '--passphrase-env');
      const ca = await initCa({
        dir: resolve(opts.dir),
        algorithm: opts.algorithm as KeyAlgorithm,
        name: opts.name,
        organization: opts.org,
        days: opts.days,
        passphrase,
        force: opts.force,
      });
      printLines(io, [
        `Created platform CA "${opts.name}" (${describeKeyAlgorithm(ca.privateKey)}), valid until ${ca.certificate.notAfter.toISOString().slice(0, 10)}`,
        ...formatFields([
          ['certificate', ca.certificatePath],
          ['key', `${ca.keyPath}  (${passphrase ? 'encrypted' : 'NOT encrypted'}, mode 0600)`],
          ['SHA-256', ca.certificate.fingerprint],
        ]),
      ]);
      if (!passphrase)
        io.stderr('note: ca.key is not encrypted; use --passphrase-env for anything but tests\n');
    });

  pki
    .command('issue')
    .description('issue a department certificate from the CA: <code>.crt and <code>.key (or certify a CSR)')
    .requiredOption('--ca-dir <dir>', 'directory holding ca.crt and ca.key')
    .option('--ca-passphrase-env <var>', 'environment variable holding the passphrase of ca.key')
    .option(
      '--name <commonName>',
      'certificate common name, e.g. 省卫健委数据交换前置机 (default: from --csr)',
    )
    .option('--code <departmentCode>', 'department code: 统一社会信用代码 or 部门代码 (default: from --csr)')
    .option('--org <organization>', 'organization (department) name')
    .addOption(
      new Option('--algorithm <alg>', 'algorithm of the new key (default: the CA key algorithm)').choices(
        KEY_ALGORITHMS,
      ),
    )
    .addOption(
      new Option('--profile <profile>', 'what the certificate may be used for')
        .choices(PROFILES)
        .default('department'),
    )
    .option('--days <days>', 'validity in days (default 825, never beyond the CA)', positiveInteger)
    .option('--csr <file>', "certify the CSR's key instead of generating a key")
    .option('--out <dir>', 'directory to write to', '.')
    .option('--passphrase-env <var>', 'encrypt the new key with the passphrase in this environment variable')
    .option('--p12', 'also write <code>.p12 (RSA keys only)', false)
    .option('--p12-password-env <var>', 'environment variable holding the PKCS#12 password')
    .option('--force', 'overwrite existing files', false)
    .action(async (opts) => {
      if (opts.csr && opts.algorithm)
        throw usageError('--algorithm and --csr exclude each other: the CSR fixes the key');
      if (opts.csr && opts.passphraseEnv)
        throw usageError('--passphrase-env and --csr exclude each other: no key is written');
      if (opts.p12 && !opts.p12PasswordEnv) throw usageError('--p12 needs --p12-password-env <var>');
      const keyPassphrase = secretFromEnv(io, opts.passphraseEnv, '--passphrase-env');
      const p12Password = opts.p12 ? secretFromEnv(io, opts.p12PasswordEnv, '--p12-password-env') : undefined;
      const csr = opts.csr ? CertificateRequest.parse(await readInput(opts.csr, 'The CSR file')) : undefined;
      if (csr && !csr.verifySignature()) {
        throw new FerryError(
          'FERRY_CERT_SIGNATURE',
          'The CSR is not signed by its own key (no proof of possession)',
          {
            location: { file: opts.csr },
          },
        );
      }
      const ca = await loadCa(
        resolve(opts.caDir),
        secretFromEnv(io, opts.caPassphraseEnv, '--ca-passphrase-env'),
      );
      const issued = await issueDepartment({
        ca,
        name: opts.name,
        code: opts.code,
        organization: opts.org,
        algorithm: opts.algorithm,
        profile: opts.profile,
        days: opts.days,
        csr,
        outDir: resolve(opts.out),
        keyPassphrase,
        keyPassphraseEnv: opts.passphraseEnv,
        p12:
          p12Password === undefined ? undefined : { password: p12Password, passwordEnv: opts.p12PasswordEnv },
        force: opts.force,
      });
      const cert = issued.certificate;
      const fields: [string, string][] = [
        ['certificate', issued.files.certificate],
        ...(issued.files.key
          ? [
              [
                'key',
                `${issued.files.key}  (${keyPassphrase ? 'encrypted' : 'NOT encrypted'}, mode 0600)`,
              ] as [string, string],
            ]
          : []),
        ...(issued.files.pkcs12
          ? [['PKCS#12', `${issued.files.pkcs12}  (mode 0600)`] as [string, string]]
          : []),
        ['key usage', cert.keyUsage.join(', ')],
        ['SHA-256', cert.fingerprint],
      ];
      printLines(io, [
        `Issued ${cert.subject.commonName} [${cert.departmentCode}] (${describeKeyAlgorithm(cert.publicKey)}, ${opts.profile}), valid until ${cert.notAfter.toISOString().slice(0, 10)}`,
        ...formatFields(fields),
      ]);
      warnAboutCode(io, cert.departmentCode);
    });

  pki
    .command('csr')
    .description('create a certificate request (CSR) for a department key, generating the key if asked')
    .option('--key <file>', 'existing private key (PEM)')
    .addOption(
      new Option('--algorithm <alg>', 'generate a new key of this algorithm').choices(KEY_ALGORITHMS),
    )
    .requiredOption('--name <commonName>', 'certificate common name')
    .requiredOption('--code <departmentCode>', 'department code: 统一社会信用代码 or 部门代码')
    .option('--org <organization>', 'organization (department) name')
    .option('--ou <unit>', 'organizational unit')
    .option('--country <cc>', 'two-letter country code', 'CN')
    .requiredOption('--out <file>', 'CSR file to write, e.g. dept.csr')
    .option('--key-out <file>', 'where to write a generated key (default: --out with .key)')
    .option('--passphrase-env <var>', 'passphrase of --key, or to encrypt the generated key')
    .option('--force', 'overwrite existing files', false)
    .action(async (opts) => {
      if (Boolean(opts.key) === Boolean(opts.algorithm)) {
        throw usageError('Give either --key <file> (an existing key) or --algorithm <alg> (a new key)');
      }
      const passphrase = secretFromEnv(io, opts.passphraseEnv, '--passphrase-env');
      const out = resolve(opts.out);
      const keyOut = opts.algorithm
        ? resolve(opts.keyOut ?? `${out.replace(/\.(csr|pem|req)$/i, '')}.key`)
        : undefined;
      if (keyOut === out) throw usageError('--key-out must differ from --out');
      await assertCanWrite([out, ...(keyOut ? [keyOut] : [])], opts.force);
      const key = opts.key
        ? await loadKeyFile(opts.key, passphrase, '--passphrase-env')
        : generateKeyPair(opts.algorithm as KeyAlgorithm);
      const subject: SubjectInput = {
        commonName: opts.name,
        departmentCode: opts.code,
        country: opts.country,
        ...(opts.org ? { organization: opts.org } : {}),
        ...(opts.ou ? { organizationalUnit: opts.ou } : {}),
      };
      const csr = createCsr({ key, subject });
      if (keyOut) await writeOutput(keyOut, key.toPem(passphrase), { secret: true });
      await writeOutput(out, csr.toPem());
      printLines(io, [
        `Wrote a certificate request for ${opts.name} [${opts.code}] (${describeKeyAlgorithm(key)})`,
        ...formatFields([
          ['CSR', out],
          ...(keyOut
            ? [
                ['key', `${keyOut}  (${passphrase ? 'encrypted' : 'NOT encrypted'}, mode 0600)`] as [
                  string,
                  string,
                ],
              ]
            : []),
        ]),
        'Send the CSR to the platform operator: ferry pki issue --ca-dir <dir> --csr <file>',
      ]);
      warnAboutCode(io, opts.code);
    });

  pki
    .command('inspect')
    .description('describe a certificate, CSR, PKCS#12 file or envelope frame (.ferry)')
    .argument('<file>', 'file to inspect')
    .option('--password-env <var>', 'environment variable holding the PKCS#12 password')
    .option('--json', 'print JSON', false)
    .action(async (file: string, opts) => {
      const password = secretFromEnv(io, opts.passwordEnv, '--password-env');
      const bytes = await readInput(file, 'The file');
      const result = inspectBytes(bytes, { file, ...(password === undefined ? {} : { password }) });
      if (result.warning) io.stderr(`${result.warning}\n`);
      if (opts.json) io.stdout(`${JSON.stringify(result.json, null, 2)}\n`);
      else printLines(io, result.lines);
    });
}

function warnAboutCode(io: CliIo, code: string | undefined): void {
  const problem = code ? creditCodeProblem(code) : undefined;
  if (problem) io.stderr(`warning: ${code} is not a valid 统一社会信用代码: ${problem}\n`);
}
