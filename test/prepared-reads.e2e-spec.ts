import { DataSource } from 'typeorm';
import { withReadConnection } from '../libs/metrics/src/database/read-replica.js';

const url = process.env.TEST_DATABASE_URL;

/**
 * A read may prepare its statement once per connection (the summary's range statement does, to keep its plan). Behind
 * a pooler that hands each transaction any server connection, the name is missing on the next one or already taken:
 * the read must then answer all the same, unprepared. One pooled connection stands for the server connection, and
 * what the pooler would do to it is done by hand. PGlite plans every query anew and never prepares: PostgreSQL only.
 */
(url ? describe : describe.skip)('prepared reads on PostgreSQL', () => {
  const sources: DataSource[] = [];

  /** A data source of one pooled connection: every read and every statement below runs on the same session. */
  const oneConnection = async () => {
    const dataSource = new DataSource({ type: 'postgres', url, extra: { max: 1 } });
    sources.push(await dataSource.initialize());
    return dataSource;
  };
  const read = (dataSource: DataSource, value: number, name: string) =>
    withReadConnection(dataSource, (query) => query<{ n: number }>('SELECT $1::int AS n', [value], name), true);
  const prepared = async (dataSource: DataSource) =>
    (await dataSource.query<{ name: string }[]>('SELECT name FROM pg_prepared_statements ORDER BY name')).map(
      (row) => row.name,
    );

  afterAll(async () => {
    for (const dataSource of sources) await dataSource.destroy();
  });

  it('prepares once per connection, and answers unprepared once the server connection lost the statement', async () => {
    const dataSource = await oneConnection();
    expect(await read(dataSource, 1, 'metrics_read_lost')).toEqual([{ n: 1 }]);
    expect(await read(dataSource, 2, 'metrics_read_lost')).toEqual([{ n: 2 }]);
    expect(await prepared(dataSource)).toEqual(['metrics_read_lost']);

    // Another server connection: the driver still counts the statement as prepared, the server has none (26000).
    await dataSource.query('DEALLOCATE ALL');
    expect(await read(dataSource, 3, 'metrics_read_lost')).toEqual([{ n: 3 }]);
    // From then on this data source does not prepare at all.
    expect(await read(dataSource, 4, 'metrics_read_other')).toEqual([{ n: 4 }]);
    expect(await prepared(dataSource)).toEqual([]);
  });

  it('answers unprepared when the name is already taken on the server connection', async () => {
    const dataSource = await oneConnection();
    // What another client prepared on the same server connection (42P05 for this one).
    await dataSource.query('PREPARE metrics_read_taken AS SELECT 0 AS n');
    expect(await read(dataSource, 5, 'metrics_read_taken')).toEqual([{ n: 5 }]);
    expect(await prepared(dataSource)).toEqual(['metrics_read_taken']);
  });

  it('fails as before on any other error', async () => {
    const dataSource = await oneConnection();
    await expect(
      withReadConnection(dataSource, (query) => query('SELECT 1 / $1::int AS n', [0], 'metrics_read_error')),
    ).rejects.toMatchObject({ code: '22012' });
    expect(await read(dataSource, 6, 'metrics_read_after')).toEqual([{ n: 6 }]);
    expect(await prepared(dataSource)).toContain('metrics_read_after');
  });
});
