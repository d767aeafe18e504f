import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSchemaCurrent, createPool, runMigrations } from '@otk/db';
import { type TestDatabase, createTestDatabase } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { fixtureMigrationsDir, laterMigrationsDir, silentLogger, uniqueSchema } from './fixture-schema.js';
import { rejectionOf } from './rejection.js';

describe('migrations', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  before(async () => {
    db = await createTestDatabase();
    pool = createPool({ connectionString: db.url, applicationName: 'db-migrations-test' });
  });

  after(async () => {
    await pool.end();
    await db.drop();
  });

  async function tablesIn(schema: string): Promise<string[]> {
    const { rows } = await pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    return rows.map((row) => row.table_name);
  }

  async function recorded(schema: string, table: string): Promise<string[]> {
    const { rows } = await pool.query<{ name: string }>(`SELECT name FROM "${schema}".${table} ORDER BY id`);
    return rows.map((row) => row.name);
  }

  it('when migrations run on a new database, then the schema gets the platform tables and the service migrations, each recorded once', async () => {
    const set = { schema: uniqueSchema('first_run'), dir: fixtureMigrationsDir };

    const { applied } = await runMigrations({ databaseUrl: db.url, set, logger: silentLogger });

    expect(applied).to.deep.equal(['0001_create_widgets', '0002_add_widget_size']);
    expect(await tablesIn(set.schema)).to.deep.equal([
      'outbox',
      'platform_migrations',
      'processed_events',
      'schema_migrations',
      'widgets',
    ]);
    expect(await recorded(set.schema, 'platform_migrations')).to.deep.equal([
      '0001_outbox',
      '0002_processed_events',
      '0003_outbox_subject',
    ]);
    expect(await recorded(set.schema, 'schema_migrations')).to.deep.equal([
      '0001_create_widgets',
      '0002_add_widget_size',
    ]);
  });

  it('when migrations run again, then nothing is applied and nothing fails', async () => {
    const set = { schema: uniqueSchema('rerun'), dir: fixtureMigrationsDir };
    await runMigrations({ databaseUrl: db.url, set, logger: silentLogger });

    const { applied } = await runMigrations({ databaseUrl: db.url, set, logger: silentLogger });

    expect(applied).to.deep.equal([]);
    expect(await recorded(set.schema, 'schema_migrations')).to.have.length(2);
    expect(await recorded(set.schema, 'platform_migrations')).to.have.length(3);
  });

  it('when two runs start at once, then both succeed and each migration is applied exactly once', async () => {
    const set = { schema: uniqueSchema('concurrent'), dir: fixtureMigrationsDir };

    const runs = await Promise.all([
      runMigrations({ databaseUrl: db.url, set, logger: silentLogger }),
      runMigrations({ databaseUrl: db.url, set, logger: silentLogger }),
    ]);

    expect(runs.flatMap((run) => run.applied).sort()).to.deep.equal(['0001_create_widgets', '0002_add_widget_size']);
    expect(await recorded(set.schema, 'schema_migrations')).to.deep.equal([
      '0001_create_widgets',
      '0002_add_widget_size',
    ]);
    expect(await recorded(set.schema, 'platform_migrations')).to.deep.equal([
      '0001_outbox',
      '0002_processed_events',
      '0003_outbox_subject',
    ]);
  });

  it('when a service migration fails, then none of that run is applied and the error names the cause', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otk-db-migrations-'));
    try {
      // 0002 alters the table that 0001 creates; alone, it fails.
      await copyFile(join(fixtureMigrationsDir, '0002_add_widget_size.sql'), join(dir, '0002_add_widget_size.sql'));
      await copyFile(join(laterMigrationsDir, '0003_add_widget_colour.sql'), join(dir, '0003_add_widget_colour.sql'));
      const set = { schema: uniqueSchema('failing'), dir };

      const error = await rejectionOf(runMigrations({ databaseUrl: db.url, set, logger: silentLogger }));

      expect(error.message).to.contain('widgets');
      expect(await recorded(set.schema, 'schema_migrations')).to.deep.equal([]);
      expect(await tablesIn(set.schema)).not.to.include('widgets');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('assertSchemaCurrent', () => {
    it('when the schema was never migrated, then it throws naming every missing migration', async () => {
      const set = { schema: uniqueSchema('never_migrated'), dir: fixtureMigrationsDir };

      const error = await rejectionOf(assertSchemaCurrent(pool, set));

      expect(error.message).to.contain(set.schema);
      for (const file of [
        '0001_outbox.sql',
        '0002_processed_events.sql',
        '0001_create_widgets.sql',
        '0002_add_widget_size.sql',
      ]) {
        expect(error.message).to.contain(file);
      }
    });

    it('when a new migration file is added, then it throws naming only that file, and passes once migrations have run', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'otk-db-migrations-'));
      try {
        for (const file of await readdir(fixtureMigrationsDir))
          await copyFile(join(fixtureMigrationsDir, file), join(dir, file));
        const set = { schema: uniqueSchema('upgraded'), dir };
        await runMigrations({ databaseUrl: db.url, set, logger: silentLogger });
        await assertSchemaCurrent(pool, set);

        await copyFile(join(laterMigrationsDir, '0003_add_widget_colour.sql'), join(dir, '0003_add_widget_colour.sql'));
        const error = await rejectionOf(assertSchemaCurrent(pool, set));
        expect(error.message).to.contain('0003_add_widget_colour.sql');
        expect(error.message).not.to.contain('0001_create_widgets');
        expect(error.message).not.to.contain('0001_outbox');

        const { applied } = await runMigrations({ databaseUrl: db.url, set, logger: silentLogger });
        expect(applied).to.deep.equal(['0003_add_widget_colour']);
        await assertSchemaCurrent(pool, set);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
