// `ferry pki inspect`: tells what a file is (certificate, CSR, PKCS#12, envelope frame) and describes it.
import { extname } from 'node:path';
import {
  Certificate,
  CertificateRequest,
  FerryError,
  inspectEnvelope,
  isFerryError,
  loadCertificates,
  loadPkcs12,
} from '@ferry/sdk';
import {
  certificateJson,
  certificateLines,
  csrJson,
  csrLines,
  envelopeJson,
  envelopeLines,
  keyLines,
} from './describe.js';
import { describeKeyAlgorithm } from './key-files.js';

const ENVELOPE_MAGIC = Buffer.from('FERY', 'ascii');

/** What was found in a file: lines for people, an object for `--json`. */
export interface Inspection {
  kind: 'certificate' | 'csr' | 'pkcs12' | 'envelope';
  lines: string[];
  json: Record<string, unknown>;
  /** Printed to stderr, e.g. that an envelope was not verified. */
  warning?: string;
}

/** Options for {@link inspectBytes}. */
export interface InspectOptions {
  /** Shown in the output and in error locations. */
  file: string;
  /** PKCS#12 password; when given, the file is read as PKCS#12. */
  password?: string;
  now?: Date;
}

/** Describes a certificate (PEM bundle or DER), a CSR, a PKCS#12 file or an envelope frame. */
export function inspectBytes(bytes: Uint8Array, options: InspectOptions): Inspection {
  const now = options.now ?? new Date();
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.subarray(0, 4).equals(ENVELOPE_MAGIC)) return inspectEnvelopeFrame(buf, options.file);

  const ext = extname(options.file).toLowerCase();
  if (options.password !== undefined || ext === '.p12' || ext === '.pfx') {
    if (options.password === undefined) {
      throw new FerryError(
        'FERRY_INVALID_ARGUMENT',
        'This looks like a PKCS#12 file: name the variable holding its password with --password-env',
        { location: { file: options.file } },
      );
    }
    return inspectPkcs12(buf, options.password, options.file, now);
  }

  const text = buf.toString('latin1');
  if (text.includes('-----BEGIN')) {
    if (/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(text))
      return describeCsr(CertificateRequest.parse(buf));
    if (text.includes('-----BEGIN CERTIFICATE-----') || text.includes('-----BEGIN X509 CERTIFICATE-----')) {
      return describeCertificates(loadCertificates(buf), now);
    }
    if (/-----BEGIN ([A-Z0-9 ]+ )?PRIVATE KEY-----/.test(text)) {
      throw new FerryError(
        'FERRY_INVALID_ARGUMENT',
        'This is a private key; inspect its certificate instead',
        {
          location: { file: options.file },
        },
      );
    }
    throw new FerryError('FERRY_CERT_INVALID', 'The PEM file holds no certificate or certificate request', {
      location: { file: options.file },
    });
  }
  // DER: a certificate, else a CSR.
  try {
    return describeCertificates([Certificate.parse(buf)], now);
  } catch (certErr) {
    try {
      return describeCsr(CertificateRequest.parse(buf));
    } catch {
      throw new FerryError(
        'FERRY_CERT_INVALID',
        'Not a certificate, CSR, envelope frame or PKCS#12 file (for PKCS#12 pass --password-env)',
        { cause: certErr, location: { file: options.file } },
      );
    }
  }
}

function describeCertificates(certs: Certificate[], now: Date): Inspection {
  const lines: string[] = [];
  certs.forEach((cert, i) => {
    if (i > 0) lines.push('');
    lines.push(certs.length > 1 ? `Certificate ${i + 1} of ${certs.length}` : 'Certificate');
    lines.push(...certificateLines(cert, now));
  });
  return {
    kind: 'certificate',
    lines,
    json: { kind: 'certificate', certificates: certs.map((c) => certificateJson(c, now)) },
  };
}

function describeCsr(csr: CertificateRequest): Inspection {
  return {
    kind: 'csr',
    lines: ['Certificate request (CSR)', ...csrLines(csr)],
    json: { kind: 'csr', request: csrJson(csr) },
  };
}

function inspectPkcs12(buf: Buffer, password: string, file: string, now: Date): Inspection {
  let contents: ReturnType<typeof loadPkcs12>;
  try {
    contents = loadPkcs12(buf, password);
  } catch (err) {
    if (isFerryError(err)) throw new FerryError(err.code, err.message, { cause: err, location: { file } });
    throw err;
  }
  const certs = [contents.certificate, ...contents.chain];
  const lines = ['PKCS#12', ...keyLines(contents.privateKey, contents.certificate)];
  certs.forEach((cert, i) => {
    lines.push(
      '',
      i === 0 ? 'Certificate of the key' : `Chain certificate ${i}`,
      ...certificateLines(cert, now),
    );
  });
  return {
    kind: 'pkcs12',
    lines,
    json: {
      kind: 'pkcs12',
      key: {
        algorithm: contents.privateKey.algorithm,
        description: describeKeyAlgorithm(contents.privateKey),
      },
      certificates: certs.map((c) => certificateJson(c, now)),
    },
  };
}

function inspectEnvelopeFrame(buf: Buffer, file: string): Inspection {
  let view: ReturnType<typeof inspectEnvelope>;
  try {
    view = inspectEnvelope(buf);
  } catch (err) {
    if (isFerryError(err)) {
      throw new FerryError(err.code, err.message, { cause: err, location: { ...err.location, file } });
    }
    throw err;
  }
  return {
    kind: 'envelope',
    lines: ['Envelope (header only: NOT VERIFIED)', ...envelopeLines(view)],
    json: { kind: 'envelope', ...envelopeJson(view) },
    warning:
      'warning: nothing was verified: the sender, signatures and content are unchecked. ' +
      'Do not act on this header before `open` or `verifyEnvelope` has accepted the frame.',
  };
}
