import { parseCqlType } from '@charybdis/schema';
import type { CqlType, KeyspaceMetadata, UdtType } from '@charybdis/schema';
import type { RawType } from '../parser/ast-common';
import { cqlTypeText } from '../parser/cql-type-text';
import { invalidRequest } from './ddl-errors';

/**
 * Resolves a type written in a DDL statement of keyspace `keyspace`: UDTs only from that
 * keyspace (Cassandra's rule), by the definitions in `ks` (which may be a keyspace being
 * built by the statement). CQL's nesting rules are parseCqlType's.
 */
export function resolveDdlType(raw: RawType, ks: KeyspaceMetadata): CqlType {
  const resolveUdt = (keyspace: string | undefined, name: string): UdtType | undefined => {
    if (keyspace !== undefined && keyspace !== ks.name) {
      throw invalidRequest(
        `Statement on keyspace ${ks.name} cannot refer to a user type in keyspace ${keyspace}; user types can only be used in the keyspace they are defined in`,
      );
    }
    const type = ks.userTypes.find((t) => t.name === name);
    if (type === undefined) throw invalidRequest(`Unknown type ${ks.name}.${name}`);
    return type;
  };
  return parseCqlType(cqlTypeText(raw), { resolveUdt });
}
