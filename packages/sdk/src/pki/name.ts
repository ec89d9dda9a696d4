// Distinguished names: building a certificate or CSR subject from Ferry's fields, and reading one back.
import {
  AttributeTypeAndValue,
  AttributeValue,
  type Name,
  Name as NameClass,
  RelativeDistinguishedName,
} from '@peculiar/asn1-x509';
import { FerryError } from '../errors/index.js';
import { toHex } from './der.js';
import { OID } from './oids.js';

/**
 * The subject of a certificate or CSR Ferry creates.
 *
 * Department code convention: the department's code — its 统一社会信用代码 (unified social credit code, GB 32100)
 * or, where it has none, its 部门代码 (department code) — is carried in the X.520 attribute
 * `organizationIdentifier` (OID 2.5.4.97) as a UTF8String. Receivers read it back as
 * {@link DistinguishedName.departmentCode} and `Certificate.departmentCode`.
 */
export interface SubjectInput {
  /** CN: a human-readable name of the system or department, e.g. `市数据局共享交换前置机`. */
  commonName: string;
  /** O: the organisation (department) name. */
  organization?: string;
  /** OU: the unit within the organisation. */
  organizationalUnit?: string;
  /** C: ISO 3166 two-letter country code, e.g. `CN`. */
  country?: string;
  /** The department code (统一社会信用代码 or 部门代码), written as `organizationIdentifier` (2.5.4.97). */
  departmentCode?: string;
}

/**
 * A parsed distinguished name: the attributes Ferry uses, and the whole name as an RFC 4514 string.
 * When an attribute occurs more than once, the field holds its first value.
 */
export interface DistinguishedName {
  /** CN (2.5.4.3). */
  commonName?: string;
  /** O (2.5.4.10). */
  organization?: string;
  /** OU (2.5.4.11). */
  organizationalUnit?: string;
  /** C (2.5.4.6). */
  country?: string;
  /** The department code (统一社会信用代码 or 部门代码) from `organizationIdentifier` (2.5.4.97). */
  departmentCode?: string;
  /** RFC 4514 string, most specific RDN first, e.g. `CN=dept,organizationIdentifier=11110000000000000X,O=…,C=CN`. */
  text: string;
}

// RFC 4514 §3 short names, plus descriptors LDAP registries know for the other attributes we meet.
const SHORT_NAMES: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.countryName]: 'C',
  [OID.streetAddress]: 'STREET',
  [OID.domainComponent]: 'DC',
  [OID.userId]: 'UID',
  [OID.organizationIdentifier]: 'organizationIdentifier',
  [OID.serialNumber]: 'serialNumber',
  [OID.emailAddress]: 'emailAddress',
};

// X.520 upper bounds (ub-common-name etc.): other tools reject longer values.
const MAX_LENGTH = 64;

/** Validates a {@link SubjectInput} and encodes it as an X.501 `Name` (C, O, OU, organizationIdentifier, CN). */
export function buildName(subject: SubjectInput): Name {
  if (typeof subject !== 'object' || subject === null) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'A subject with at least a commonName is required');
  }
  const rdns: RelativeDistinguishedName[] = [];
  const add = (type: string, value: AttributeValue) =>
    rdns.push(new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })]));

  if (subject.country !== undefined) {
    if (typeof subject.country !== 'string' || !/^[A-Z]{2}$/.test(subject.country)) {
      throw new FerryError(
        'FERRY_INVALID_ARGUMENT',
        'subject.country must be a two-letter upper-case code such as CN',
        {
          location: { field: 'subject.country' },
        },
      );
    }
    // RFC 5280 requires PrintableString for countryName.
    add(OID.countryName, new AttributeValue({ printableString: subject.country }));
  }
  const text = (field: keyof SubjectInput, type: string, required: boolean) => {
    const value = subject[field];
    if (value === undefined && !required) return;
    if (
      typeof value !== 'string' ||
      value.trim() === '' ||
      value.length > MAX_LENGTH ||
      /[\p{Cc}]/u.test(value)
    ) {
      throw new FerryError(
        'FERRY_INVALID_ARGUMENT',
        `subject.${field} must be a non-empty string of at most ${MAX_LENGTH} characters without control characters`,
        { location: { field: `subject.${field}` } },
      );
    }
    add(type, new AttributeValue({ utf8String: value }));
  };
  text('organization', OID.organizationName, false);
  text('organizationalUnit', OID.organizationalUnitName, false);
  text('departmentCode', OID.organizationIdentifier, false);
  text('commonName', OID.commonName, true);
  return new NameClass(rdns);
}

/** Reads the Ferry fields and the RFC 4514 text of a parsed `Name`. */
export function describeName(name: Name): DistinguishedName {
  const out: DistinguishedName = { text: '' };
  const first = (key: Exclude<keyof DistinguishedName, 'text'>, value: string) => {
    if (out[key] === undefined) out[key] = value;
  };
  const parts: string[] = [];
  for (const rdn of name) {
    const atvs: string[] = [];
    for (const atv of rdn) {
      const value = stringValue(atv.value);
      if (value !== undefined) {
        if (atv.type === OID.commonName) first('commonName', value);
        else if (atv.type === OID.organizationName) first('organization', value);
        else if (atv.type === OID.organizationalUnitName) first('organizationalUnit', value);
        else if (atv.type === OID.countryName) first('country', value);
        else if (atv.type === OID.organizationIdentifier) first('departmentCode', value);
      }
      const type = SHORT_NAMES[atv.type] ?? atv.type;
      atvs.push(
        `${type}=${value === undefined ? `#${toHex(atv.value.anyValue ?? new ArrayBuffer(0))}` : escapeValue(value)}`,
      );
    }
    parts.push(atvs.join('+'));
  }
  out.text = parts.reverse().join(',');
  return out;
}

/**
 * A comparison key for issuer/subject matching (RFC 5280 §7.1, simplified): attribute types and values in
 * order, values case-folded with inner white space collapsed, so that a PrintableString and a UTF8String
 * of the same text match.
 */
export function nameKey(name: Name): string {
  return name
    .map((rdn) =>
      rdn
        .map((atv) => {
          const value = stringValue(atv.value);
          const norm =
            value === undefined
              ? `#${toHex(atv.value.anyValue ?? new ArrayBuffer(0))}`
              : value.trim().replace(/\s+/g, ' ').toLowerCase();
          return `${atv.type}=${JSON.stringify(norm)}`;
        })
        .sort()
        .join('+'),
    )
    .join(',');
}

function stringValue(value: AttributeValue): string | undefined {
  for (const v of [
    value.utf8String,
    value.printableString,
    value.ia5String,
    value.teletexString,
    value.bmpString,
    value.universalString,
  ]) {
    if (v !== undefined) return v;
  }
  return undefined;
}

// RFC 4514 §2.4.
function escapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\0') out += '\\00';
    else if ('\\"+,;<>'.includes(c)) out += `\\${c}`;
    else if ((c === ' ' || c === '#') && i === 0) out += `\\${c}`;
    else if (c === ' ' && i === value.length - 1) out += '\\ ';
    else out += c;
  }
  return out;
}
