import { composeContexts } from './compose-contexts';
import type { ContextDescriptor } from './context-descriptor';
import { recordMigrationSql, schemaReferenceProblems, sqlWithoutLiterals } from './schema-references';
import { fakeContext, fakeMigration } from './testing/fake-contexts';

const T = 1700000000000;
const base = fakeContext('base', [T, T + 500]); // creates base.t1700000000000 and base.t1700000000500
const other = fakeContext('other', [T + 1]);
const ALL = ['base', 'other', 'user_ctx'];

/** A context 'user_ctx' whose one migration (at T + 100) runs `sql`. */
function user(sql: string, dependsOn: ContextDescriptor['dependsOn'] = [base]): ContextDescriptor {
  return { name: 'user_ctx', schema: 'user_ctx', migrations: [fakeMigration(`UserCtx${T + 100}`, [sql])], dependsOn };
}
const problems = (c: ContextDescriptor, ...more: ContextDescriptor[]) =>
  schemaReferenceProblems(composeContexts([c, ...more]), ALL);

describe('schemaReferenceProblems', () => {
  it('accepts its own schema and objects of dependencies created by earlier migrations', async () => {
    const sql = `CREATE SCHEMA user_ctx; CREATE TABLE user_ctx.x (id int REFERENCES base.t${T} (id)); SELECT a.id FROM user_ctx.x a`;
    expect(await problems(user(sql))).toEqual([]);
    expect(await problems(user(`SELECT * FROM base.t${T}`, ['base']), base)).toEqual([]);
  });

  it('refuses a schema the context does not depend on, even when left out of the composition', async () => {
    expect(await problems(user('CREATE TABLE user_ctx.x (id int REFERENCES other.t1 (id))'))).toEqual([
      `UserCtx${T + 100} (context 'user_ctx') uses other.t1, but 'user_ctx' does not depend on the owner of other`,
    ]);
    expect(await problems(user('SELECT 1 FROM other.t1'), other)).toHaveLength(1);
  });

  it('refuses an object of a dependency that only a later migration creates', async () => {
    expect(await problems(user(`SELECT 1 FROM base.t${T + 500}`))).toEqual([
      `UserCtx${T + 100} (context 'user_ctx') uses base.t${T + 500}, which no migration running before it creates`,
    ]);
  });

  it('refuses creating another schema, or objects in one', async () => {
    expect(await problems(user('CREATE SCHEMA IF NOT EXISTS base; CREATE FUNCTION base.f() RETURNS int'))).toEqual([
      `UserCtx${T + 100} (context 'user_ctx') creates schema base; it owns only user_ctx`,
      `UserCtx${T + 100} (context 'user_ctx') creates base.f outside its schema user_ctx`,
    ]);
  });

  it('ignores comments and string literals', async () => {
    const sql = `-- copied from other.t1\nSELECT 'other.t1' /* other.t2 */ FROM user_ctx.x`;
    expect(sqlWithoutLiterals(sql)).not.toContain('other');
    expect(await problems(user(sql))).toEqual([]);
  });

  it('records what up() sends, and refuses QueryRunner calls it cannot record', async () => {
    expect(await recordMigrationSql(fakeMigration(`Rec${T}`, ['SELECT 1', 'SELECT 2']))).toEqual([
      'SELECT 1',
      'SELECT 2',
    ]);
    const sneaky = class {
      name = `Sneaky${T}`;
      async up(q: { dropTable(name: string): Promise<void> }) {
        await q.dropTable('x');
      }
      async down() {
        throw new Error('not reversible');
      }
    };
    await expect(recordMigrationSql(sneaky)).rejects.toThrow(/only QueryRunner.query is recorded, not dropTable/);
  });
});
