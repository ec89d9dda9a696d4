import {
  type Certificate,
  FerryError,
  isFerryError,
  loadCertificates,
  type TrustStore,
  verifyCertificate,
} from '@ferry/sdk';

/**
 * Parses PEM certificates for department `code` and checks that each chains to the platform CA and carries
 * the code; the error names the offending entry (`certificates[i]`). Key usage is not required here: a
 * department may register a signing and an encryption certificate separately (双证书).
 */
export function checkDepartmentCertificates(
  trust: TrustStore,
  code: string,
  pems: readonly string[],
  field = 'certificates',
): Certificate[] {
  return pems.flatMap((pem, i) => {
    try {
      const certs = loadCertificates(pem);
      for (const cert of certs) verifyCertificate(cert, { trust, departmentCode: code });
      return certs;
    } catch (err) {
      if (!isFerryError(err)) throw err;
      throw new FerryError(err.code, `${field}[${i}]: ${err.message}`, {
        cause: err,
        location: { field: `${field}[${i}]` },
      });
    }
  });
}
