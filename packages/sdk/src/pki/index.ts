export {
  Certificate,
  type CertificateExtension,
  type DistinguishedName,
  type KeyUsage,
  loadCertificates,
} from './certificate.js';
export { CertificateRequest, createCsr, type SubjectInput } from './csr.js';
export { type Identity, type IdentitySource, type LoadIdentityOptions, loadIdentity } from './identity.js';
export {
  CA_VALIDITY_DAYS,
  type CertificateProfile,
  type CreateCertificateAuthorityOptions,
  createCertificateAuthority,
  DEPARTMENT_VALIDITY_DAYS,
  type IssueCertificateOptions,
  issueCertificate,
} from './issue.js';
export {
  type GenerateKeyOptions,
  generateKeyPair,
  type KeyAlgorithm,
  loadPrivateKey,
  loadPublicKey,
  PrivateKey,
  PublicKey,
  privateKeyFromPkcs8,
  publicKeyFromSpki,
} from './keys.js';
export { derToPem, type PemInput } from './pem.js';
export { type CreatePkcs12Options, createPkcs12, loadPkcs12, type Pkcs12Contents } from './pkcs12.js';
export {
  certificateSchemeFor,
  envelopeSchemeFor,
  type SignatureScheme,
  signBytes,
  verifyBytes,
} from './signature.js';
export { SM2_DEFAULT_ID } from './sm2.js';
export { TrustStore } from './trust.js';
export { type VerifyCertificateOptions, verifyCertificate } from './verify.js';
