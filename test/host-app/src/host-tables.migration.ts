import type { MigrationInterface, QueryRunner } from 'typeorm';

export class HostTables1700000000000 implements MigrationInterface {
  name = 'HostTables1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE orgs (id serial PRIMARY KEY, name text NOT NULL)`);
    await queryRunner.query(
      `CREATE TABLE users (id serial PRIMARY KEY, org_id integer NOT NULL REFERENCES orgs(id), email text NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(), deactivated_at timestamptz)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE users`);
    await queryRunner.query(`DROP TABLE orgs`);
  }
}
