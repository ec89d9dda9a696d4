// Issuing a department certificate from the platform CA: a new key (or the key of a CSR), the certificate,
// and optionally a PKCS#12 bundle, written as `<code>.crt`, `<code>.key`, `<code>.p12`.
import { join } from 'node:path';
import {
  type Certificate,
  type CertificateProfile,
  type CertificateRequest,
  createPkcs12,
  generateKeyPair,
  issueCertificate,
  type KeyAlgorithm,
  type PrivateKey,
  type SubjectInput,
} from '@ferry/sdk';
import { usageError } from '../util/errors.js';
import { assertCanWrite, writeOutput } from '../util/files.js';
import type { CaFiles } from './ca-files.js';
import { assertPkcs12Password, opensslPkcs12Command } from './pkcs12.js';

/** Options for {@link issueDepartment}. */
export interface IssueDepartmentOptions {
  ca: CaFiles;
  /** CN; default: the CSR's. */
  name?: string;
  /** Department code (统一社会信用代码 or 部门代码); default: the CSR's. */
  code?: string;
  organization?: string;
  /** Key algorithm of a generated key; default: the CA's. Ignored with a CSR. */
  algorithm?: KeyAlgorithm;
  profile: Extract<CertificateProfile, 'department' | 'department-signing' | 'department-encryption'>;
  days?: number;
  /** Certify the CSR's key instead of generating one. */
  csr?: CertificateRequest;
  outDir: string;
  /** Encrypts the generated key file when given. */
  keyPassphrase?: string;
  /** Name of the variable holding `keyPassphrase`, for the OpenSSL hint. */
  keyPassphraseEnv?: string;
  /** Also write `<code>.p12` with this password. */
  p12?: { password: string; passwordEnv: string };
  force: boolean;
}

/** What {@link issueDepartment} wrote. */
export interface IssuedDepartment {
  certificate: Certificate;
  /** Absent when the certificate was issued for a CSR. */
  privateKey: PrivateKey | undefined;
  files: { certificate: string; key?: string; pkcs12?: string };
}

/** Issues a department certificate and writes its files; checks everything before writing anything. */
export async function issueDepartment(options: IssueDepartmentOptions): Promise<IssuedDepartment> {
  const { ca, csr } = options;
  const subject = departmentSubject(options);
  const code = subject.departmentCode!;
  if (!/^[0-9A-Za-z][0-9A-Za-z._-]*$/.test(code)) {
    throw usageError(
      `The department code "${code}" cannot be used as a file name: use letters, digits, ".", "_", "-"`,
    );
  }
  const certificatePath = join(options.outDir, `${code}.crt`);
  const keyPath = csr ? undefined : join(options.outDir, `${code}.key`);
  const pkcs12Path = options.p12 ? join(options.outDir, `${code}.p12`) : undefined;

  const algorithm = csr ? csr.publicKey.algorithm : (options.algorithm ?? ca.privateKey.algorithm);
  if (options.p12) {
    if (csr) throw usageError('--p12 needs the private key, which stays with the requester of a CSR');
    if (algorithm !== 'rsa') {
      const command = opensslPkcs12Command({
        certificatePath,
        keyPath: keyPath!,
        caCertificatePath: ca.certificatePath,
        outPath: pkcs12Path!,
        name: code,
        passwordEnv: options.p12.passwordEnv,
        ...(options.keyPassphraseEnv ? { keyPassphraseEnv: options.keyPassphraseEnv } : {}),
      });
      throw usageError(
        `Built-in PKCS#12 export needs an RSA key; this one is ${algorithm} (node-forge cannot encode EC or SM2 keys). ` +
          `Issue without --p12, then pack the files with OpenSSL 3:\n  ${command}`,
      );
    }
    assertPkcs12Password(options.p12.password);
  }
  await assertCanWrite(
    [certificatePath, ...(keyPath ? [keyPath] : []), ...(pkcs12Path ? [pkcs12Path] : [])],
    options.force,
  );

  const privateKey = csr ? undefined : generateKeyPair(algorithm);
  const certificate = issueCertificate({
    issuer: { certificate: ca.certificate, privateKey: ca.privateKey },
    subject,
    ...(csr ? { csr } : { publicKey: privateKey!.publicKey }),
    profile: options.profile,
    ...(options.days === undefined ? {} : { validityDays: options.days }),
  });

  const files: IssuedDepartment['files'] = { certificate: certificatePath };
  if (privateKey && keyPath) {
    await writeOutput(keyPath, privateKey.toPem(options.keyPassphrase), { secret: true });
    files.key = keyPath;
  }
  await writeOutput(certificatePath, certificate.toPem());
  if (privateKey && options.p12 && pkcs12Path) {
    const p12 = createPkcs12({
      privateKey,
      certificate,
      chain: [ca.certificate],
      password: options.p12.password,
      friendlyName: code,
    });
    await writeOutput(pkcs12Path, p12, { secret: true });
    files.pkcs12 = pkcs12Path;
  }
  return { certificate, privateKey, files };
}

function departmentSubject(options: IssueDepartmentOptions): SubjectInput {
  const fromCsr = options.csr?.subject;
  const commonName = options.name ?? fromCsr?.commonName;
  const departmentCode = options.code ?? fromCsr?.departmentCode;
  if (!commonName) throw usageError('--name is required (the CSR has no commonName)');
  if (!departmentCode) throw usageError('--code is required (the CSR carries no department code)');
  const organization = options.organization ?? fromCsr?.organization;
  return {
    commonName,
    departmentCode,
    ...(organization ? { organization } : {}),
    ...(fromCsr?.organizationalUnit ? { organizationalUnit: fromCsr.organizationalUnit } : {}),
    country: fromCsr?.country ?? 'CN',
  };
}
