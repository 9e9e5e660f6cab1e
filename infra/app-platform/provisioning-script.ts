/**
 * The idempotent SQL that gives an app its login role and database. Identifiers are spliced in
 * (validated as `[a-z][a-z0-9_]*`, so quoting is safe); the password is not: psql reads it from
 * the job's environment (`\getenv`, psql 15+) and quotes it itself.
 */
export function provisioningScript(databaseName: string): string {
  const identifier = `"${databaseName}"`;
  const literal = `'${databaseName}'`;
  return [
    "\\set ON_ERROR_STOP on",
    "\\getenv role_password APP_ROLE_PASSWORD",
    "SET password_encryption = 'scram-sha-256';",
    "DO $provision$",
    "BEGIN",
    `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal}) THEN`,
    `    CREATE ROLE ${identifier} LOGIN;`,
    "  END IF;",
    "END",
    "$provision$;",
    // The statement text carries the password to the server (hashed there with SCRAM); the
    // server logs it only if this statement fails or log_statement covers DDL.
    `ALTER ROLE ${identifier} WITH LOGIN PASSWORD :'role_password';`,
    // PostgreSQL 16 gives the creator of a role only ADMIN OPTION; changing a database's owner
    // to the role also needs membership (SET), which ADMIN OPTION lets the admin grant itself.
    `GRANT ${identifier} TO CURRENT_USER;`,
    // CREATE DATABASE cannot run inside a DO block (it refuses a transaction), so psql builds
    // and executes it only when missing. On Azure the Database component already created it.
    `SELECT 'CREATE DATABASE ${identifier}' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = ${literal})\\gexec`,
    `ALTER DATABASE ${identifier} OWNER TO ${identifier};`,
    `REVOKE CONNECT, TEMPORARY ON DATABASE ${identifier} FROM PUBLIC;`,
    `GRANT CONNECT, TEMPORARY ON DATABASE ${identifier} TO ${identifier};`,
    "",
  ].join("\n");
}
