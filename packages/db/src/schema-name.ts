import pg from 'pg';

// Schema names come from code, never from users, but they end up in SQL text (identifiers cannot
// be bind parameters): accept only plain lower-case identifiers, as the services' schemas are.
const plainIdentifier = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema name as a quoted SQL identifier; throws on anything but a plain lower-case name. */
export function quoteSchema(schema: string): string {
  if (!plainIdentifier.test(schema)) {
    throw new Error(`invalid schema name ${JSON.stringify(schema)}: use lower-case letters, digits and _ only`);
  }
  return pg.escapeIdentifier(schema);
}
