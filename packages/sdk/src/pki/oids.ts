/** Object identifiers Ferry reads and writes in keys, certificates and CSRs. */
export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  /** SM2 curve (GM/T 0006). */
  sm2Curve: '1.2.156.10197.1.301',
  /** SM2 signature with SM3 (GM/T 0006: SM2-with-SM3). */
  sm2WithSm3: '1.2.156.10197.1.501',
  /** X.520 organizationIdentifier: Ferry puts the department code (统一社会信用代码 / 部门代码) here. */
  organizationIdentifier: '2.5.4.97',
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  countryName: '2.5.4.6',
  extensionRequest: '1.2.840.113549.1.9.14',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  streetAddress: '2.5.4.9',
  serialNumber: '2.5.4.5',
  emailAddress: '1.2.840.113549.1.9.1',
  domainComponent: '0.9.2342.19200300.100.1.25',
  userId: '0.9.2342.19200300.100.1.1',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;
