import type { QueryRunner } from 'typeorm';

/** Names a table in the schema the connection writes to: its `schema` option, else the current schema. */
export function inSchema(queryRunner: QueryRunner): (name: string) => string {
  const { driver } = queryRunner.connection;
  return (name) => `${driver.escape(driver.schema!)}.${driver.escape(name)}`;
}
