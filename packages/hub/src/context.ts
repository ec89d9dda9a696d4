// Everything a route or service of one hub instance needs, created once per hub by createHub. No module-level
// state: two hubs in one process share nothing.
import type { Identity, TrustStore } from '@ferry/sdk';
import type { Roles } from './auth/roles.js';
import type { HubMaterials } from './config/materials.js';
import type { HubConfig } from './config/schema.js';
import {
  ApplicationStore,
  AuditStore,
  CatalogStore,
  ChangeLogStore,
  type Database,
  DepartmentStore,
  ResourceStore,
  StreamStore,
} from './store/index.js';

/** The repositories of one hub database. */
export interface Stores {
  departments: DepartmentStore;
  catalog: CatalogStore;
  resources: ResourceStore;
  streams: StreamStore;
  changeLog: ChangeLogStore;
  applications: ApplicationStore;
  audit: AuditStore;
}

/** One hub's configuration, identity, database and repositories. */
export interface HubContext {
  config: HubConfig;
  db: Database;
  stores: Stores;
  /** The hub's own identity: signs receipts and pull envelopes, decrypts ingested envelopes. */
  identity: Identity;
  /** The platform CA(s) every department certificate must chain to. */
  trust: TrustStore;
  /** The hub's department code (from its certificate); receipts carry it. */
  departmentCode: string;
  /** The PEM text of identity and trust, for ingest workers. */
  pem: HubMaterials['pem'];
  roles: Roles;
}

/** The repositories over `db`. */
export function createStores(db: Database): Stores {
  return {
    departments: new DepartmentStore(db.knex),
    catalog: new CatalogStore(db.knex),
    resources: new ResourceStore(db.knex, db.kind),
    streams: new StreamStore(db.knex),
    changeLog: new ChangeLogStore(db.knex),
    applications: new ApplicationStore(db.knex),
    audit: new AuditStore(db.knex),
  };
}
