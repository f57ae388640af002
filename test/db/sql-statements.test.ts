import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from '../../src/db/sql-statements.ts';

describe('database', () => {
  describe('migration SQL splitting', () => {
    it('splits a script at top-level semicolons and drops comment-only pieces', () => {
      expect(
        splitSqlStatements(
          '-- CreateTable\nCREATE TABLE "a" ("id" INT);\n\n-- AddIndex\nCREATE INDEX "i" ON "a"("id");\n-- trailing comment\n',
        ),
      ).toEqual(['-- CreateTable\nCREATE TABLE "a" ("id" INT)', '-- AddIndex\nCREATE INDEX "i" ON "a"("id")']);
    });

    it('keeps a last statement that has no semicolon', () => {
      expect(splitSqlStatements('SELECT 1; SELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
    });

    it('does not split inside strings, quoted identifiers or comments', () => {
      const script = `INSERT INTO "t;x" VALUES ('a;b', 'it''s;', E'\\';'); /* c; /* nested; */ still; */ SELECT 2; -- x; y\nSELECT 3`;
      expect(splitSqlStatements(script)).toEqual([
        `INSERT INTO "t;x" VALUES ('a;b', 'it''s;', E'\\';')`,
        '/* c; /* nested; */ still; */ SELECT 2',
        '-- x; y\nSELECT 3',
      ]);
    });

    it('does not split inside dollar-quoted bodies', () => {
      const body = `DO $fn$ BEGIN PERFORM 1; RAISE NOTICE $$a;b$$; END $fn$`;
      expect(splitSqlStatements(`${body};\nSELECT $1;`)).toEqual([body, 'SELECT $1']);
    });
  });
});
