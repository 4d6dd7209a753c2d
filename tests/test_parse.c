/* Parse and lowering: statement spans, syntax-error recovery, and the IR
 * facts each statement kind carries. */
#include <stdlib.h>

#include "parse/parse.h"
#include "test.h"

typedef struct parsed {
    pb_arena *a;
    pb_parse_result r;
} parsed;

static parsed P(const char *sql)
{
    parsed p = {.a = pb_arena_new()};
    char *text = pb_arena_strdup(p.a, sql);
    pb_parse_part(p.a, text, strlen(sql), &p.r);
    return p;
}

static void done(parsed *p)
{
    pb_arena_free(p->a);
}

static const pb_op missing = {.kind = PB_OP__COUNT};

static const pb_op *op_at(parsed *p, size_t i)
{
    return i < p->r.ops.len ? p->r.ops.items[i] : &missing;
}

static void spans(void)
{
    const char *sql = "-- header\n/* c1 /* nested */ */ CREATE TABLE a (id int);\n\n  SELECT 1 ; -- "
                      "trailing\nSELECT 2 -- end\n";
    parsed p = P(sql);
    INT_EQ(p.r.nstmts, 3);
    INT_EQ(p.r.nerrors, 0);
    if (p.r.nstmts == 3) {
        STR_EQ(pb_arena_strndup(p.a, sql + p.r.stmts[0].start, p.r.stmts[0].end - p.r.stmts[0].start),
               "CREATE TABLE a (id int)");
        STR_EQ(pb_arena_strndup(p.a, sql + p.r.stmts[1].start, p.r.stmts[1].end - p.r.stmts[1].start),
               "SELECT 1");
        STR_EQ(pb_arena_strndup(p.a, sql + p.r.stmts[2].start, p.r.stmts[2].end - p.r.stmts[2].start),
               "SELECT 2");
    }
    done(&p);
    /* dollar quotes and strings with comment markers inside */
    const char *fn = "CREATE FUNCTION f() RETURNS int AS $x$ SELECT 1; -- no $x$ LANGUAGE sql; SELECT '--x' ";
    p = P(fn);
    INT_EQ(p.r.nstmts, 2);
    if (p.r.nstmts == 2)
        STR_EQ(pb_arena_strndup(p.a, fn + p.r.stmts[1].start, p.r.stmts[1].end - p.r.stmts[1].start),
               "SELECT '--x'");
    done(&p);
}

static void errors(void)
{
    /* error in the middle: statements before and after are kept */
    const char *sql = "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN;\nCREATE INDEX i ON a (id);\n";
    parsed p = P(sql);
    INT_EQ(p.r.nerrors, 1);
    INT_EQ(p.r.nstmts, 2);
    if (p.r.nerrors == 1) {
        INT_EQ(p.r.errors[0].offset, strlen("CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN"));
        INT_EQ(p.r.errors[0].stmt_start, strlen("CREATE TABLE a (id int);\n"));
        OK(strstr(p.r.errors[0].message, "syntax error") != NULL);
    }
    INT_EQ(op_at(&p, 0)->kind, PB_OP_CREATE_TABLE);
    INT_EQ(op_at(&p, 1)->kind, PB_OP_CREATE_INDEX);
    INT_EQ(op_at(&p, 1)->stmt, 1);
    done(&p);
    /* multibyte text before the error: the cursor is in characters */
    const char *mb = "SELECT 'ééé' AS x; SELEC 1;";
    p = P(mb);
    INT_EQ(p.r.nerrors, 1);
    if (p.r.nerrors)
        INT_EQ(p.r.errors[0].offset, strlen("SELECT 'ééé' AS x; "));
    done(&p);
    /* two errors, and unterminated constructs */
    p = P("SELEC 1; SELECT 2; FOO; SELECT 3");
    INT_EQ(p.r.nerrors, 2);
    INT_EQ(p.r.nstmts, 2);
    done(&p);
    const char *bad[] = {"SELECT 'abc", "SELECT $$abc", "SELECT 1; /* open", "SELECT \"id"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = P(bad[i]);
        CHECK_(p.r.nerrors == 1, "unterminated case %zu: %zu errors", i, p.r.nerrors);
        done(&p);
    }
    INT_EQ(pb_parse__cursor_to_offset("a\xC3\xA9"
                                      "b",
                                      4, 3),
           3);
    INT_EQ(pb_parse__cursor_to_offset("abc", 3, 0), 0);
    INT_EQ(pb_parse__cursor_to_offset("abc", 3, 99), 3);
}

static void lowering(void)
{
    parsed p = P("ALTER TABLE public.users ADD COLUMN id bigserial, ADD COLUMN c int NOT NULL DEFAULT 0, "
                 "ADD COLUMN u uuid DEFAULT gen_random_uuid(), ADD COLUMN t timestamptz DEFAULT now(), "
                 "ADD COLUMN f int DEFAULT my_func(), ADD COLUMN g int GENERATED ALWAYS AS (c * 2) STORED;");
    INT_EQ(p.r.ops.len, 6);
    const pb_op *o = op_at(&p, 0);
    INT_EQ(o->kind, PB_OP_ADD_COLUMN);
    STR_EQ(o->rel.schema, "public");
    STR_EQ(o->rel.name, "users");
    OK(o->type.serial);
    INT_EQ(o->default_vol, PB_VOL_VOLATILE);
    o = op_at(&p, 1);
    STR_EQ(o->type.name, "int4");
    OK(o->col && o->col->not_null && o->col->has_default);
    INT_EQ(o->default_vol, PB_VOL_IMMUTABLE);
    INT_EQ(op_at(&p, 2)->default_vol, PB_VOL_VOLATILE);
    STR_EQ(op_at(&p, 2)->default_func, "gen_random_uuid");
    INT_EQ(op_at(&p, 3)->default_vol, PB_VOL_STABLE);
    INT_EQ(op_at(&p, 4)->default_vol, PB_VOL_UNKNOWN);
    OK(op_at(&p, 5)->col && op_at(&p, 5)->col->generated_stored);
    done(&p);

    p = P(
        "ALTER TABLE t ALTER COLUMN a TYPE character varying(20), ALTER COLUMN b TYPE numeric(12,2) USING b, "
        "ALTER COLUMN c TYPE int8 USING c + 0, ALTER COLUMN d TYPE integer[];");
    o = op_at(&p, 0);
    INT_EQ(o->kind, PB_OP_ALTER_COLUMN_TYPE);
    STR_EQ(o->type.name, "varchar");
    INT_EQ(o->type.nmods, 1);
    INT_EQ(o->type.mods[0], 20);
    o = op_at(&p, 1);
    INT_EQ(o->type.nmods, 2);
    OK(o->has_using && o->using_is_column);
    o = op_at(&p, 2);
    OK(o->has_using && !o->using_is_column);
    INT_EQ(op_at(&p, 3)->type.array_dims, 1);
    STR_EQ(op_at(&p, 3)->type.name, "int4");
    done(&p);

    p = P("ALTER TABLE ONLY orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;"
          "ALTER TABLE orders ADD CONSTRAINT ck CHECK (total IS NOT NULL AND total > 0) NOT VALID;"
          "ALTER TABLE orders ADD CONSTRAINT pk PRIMARY KEY USING INDEX orders_pk_idx;"
          "ALTER TABLE orders VALIDATE CONSTRAINT fk; ALTER TABLE orders SET NOT NULL_;");
    o = op_at(&p, 0);
    INT_EQ(o->con_kind, PB_CON_FOREIGN_KEY);
    OK(o->not_valid && o->only);
    STR_EQ(o->ref.name, "users");
    STR_EQ(o->con_name, "fk");
    INT_EQ(o->ncon_columns, 1);
    o = op_at(&p, 1);
    INT_EQ(o->con_kind, PB_CON_CHECK);
    STR_EQ(o->check_not_null_column, "total");
    o = op_at(&p, 2);
    OK(o->using_index);
    STR_EQ(o->index_name, "orders_pk_idx");
    INT_EQ(op_at(&p, 3)->kind, PB_OP_VALIDATE_CONSTRAINT);
    INT_EQ(p.r.nerrors, 1);
    done(&p);

    p = P("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY t (a, lower(b)) WHERE a > 0;"
          "DROP INDEX CONCURRENTLY IF EXISTS s.i1, i2; REINDEX (CONCURRENTLY) TABLE t; REINDEX INDEX i;"
          "DROP TABLE IF EXISTS a, b CASCADE; TRUNCATE x, y; LOCK TABLE t IN SHARE MODE NOWAIT;"
          "VACUUM (FULL, ANALYZE) t; ANALYZE t; CLUSTER; REFRESH MATERIALIZED VIEW CONCURRENTLY mv;"
          "ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY; ALTER TYPE mood ADD VALUE 'x';"
          "ALTER TABLE t RENAME COLUMN a TO b; ALTER TABLE t RENAME TO t2; DROP SCHEMA s CASCADE;"
          "UPDATE t SET a = 1; DELETE FROM t WHERE id = 1; CREATE DATABASE d;"
          "SET LOCAL lock_timeout = '2s'; SELECT set_config('lock_timeout', '3s', false); BEGIN; COMMIT;");
    INT_EQ(p.r.nerrors, 0);
    size_t i = 0;
    o = op_at(&p, i++);
    INT_EQ(o->kind, PB_OP_CREATE_INDEX);
    OK(o->concurrently && o->unique && o->partial && o->only && o->if_not_exists);
    INT_EQ(o->ncon_columns, 1);
    o = op_at(&p, i++);
    INT_EQ(o->kind, PB_OP_DROP_INDEX);
    OK(o->concurrently && o->if_exists);
    STR_EQ(o->obj.schema, "s");
    INT_EQ(op_at(&p, i++)->kind, PB_OP_DROP_INDEX);
    o = op_at(&p, i++);
    INT_EQ(o->kind, PB_OP_REINDEX);
    OK(o->concurrently);
    INT_EQ(o->reindex_target, PB_REINDEX_TABLE);
    OK(!op_at(&p, i++)->concurrently);
    o = op_at(&p, i++);
    INT_EQ(o->kind, PB_OP_DROP_TABLE);
    OK(o->cascade && o->if_exists);
    INT_EQ(op_at(&p, i++)->kind, PB_OP_DROP_TABLE);
    INT_EQ(op_at(&p, i++)->kind, PB_OP_TRUNCATE);
    INT_EQ(op_at(&p, i++)->kind, PB_OP_TRUNCATE);
    o = op_at(&p, i++);
    INT_EQ(o->kind, PB_OP_LOCK_TABLE);
    INT_EQ(o->lock_mode, PB_LOCK_SHARE);
    OK(o->nowait);
    o = op_at(&p, i++);
    INT_EQ(o->kind, PB_OP_VACUUM);
    OK(o->full);
    OK(op_at(&p, i++)->analyze_only);
    o = op_at(&p, i++);
    INT_EQ(o->kind, PB_OP_CLUSTER);
    OK(o->rel.name == NULL);
    OK(op_at(&p, i++)->concurrently);
    o = op_at(&p, i++);
    INT_EQ(o->at, PB_AT_DETACH_PARTITION);
    OK(o->concurrently);
    STR_EQ(o->obj.name, "p1");
    INT_EQ(op_at(&p, i++)->kind, PB_OP_ALTER_ENUM);
    o = op_at(&p, i++);
    INT_EQ(o->kind, PB_OP_RENAME_COLUMN);
    STR_EQ(o->column, "a");
    STR_EQ(o->new_name, "b");
    INT_EQ(op_at(&p, i++)->kind, PB_OP_RENAME_TABLE);
    INT_EQ(op_at(&p, i++)->kind, PB_OP_DROP_SCHEMA);
    o = op_at(&p, i++);
    INT_EQ(o->kind, PB_OP_UPDATE);
    OK(!o->has_where);
    OK(op_at(&p, i++)->has_where);
    INT_EQ(op_at(&p, i++)->kind, PB_OP_NON_TRANSACTIONAL);
    o = op_at(&p, i++);
    INT_EQ(o->kind, PB_OP_SET);
    STR_EQ(o->setting, "lock_timeout");
    STR_EQ(o->value, "2s");
    OK(o->is_local);
    o = op_at(&p, i++);
    INT_EQ(o->kind, PB_OP_SET);
    STR_EQ(o->value, "3s");
    OK(!o->is_local);
    INT_EQ(op_at(&p, i++)->kind, PB_OP_BEGIN);
    INT_EQ(op_at(&p, i++)->kind, PB_OP_COMMIT);
    INT_EQ(p.r.ops.len, i);
    done(&p);

    p = P("CREATE TABLE IF NOT EXISTS s.t (id serial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, "
          "org bigint REFERENCES orgs (id)); CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);"
          "CREATE TEMP TABLE tt (a int); SELECT 1;");
    o = op_at(&p, 0);
    INT_EQ(o->kind, PB_OP_CREATE_TABLE);
    OK(o->if_not_exists);
    INT_EQ(o->ncolumns, 3);
    STR_EQ(o->ref.name, "orgs");
    if (o->ncolumns == 3) {
        OK(o->columns[0]->primary_key && o->columns[0]->not_null && o->columns[0]->type.serial);
        OK(o->columns[1]->unique && o->columns[1]->not_null);
        INT_EQ(o->columns[1]->type.mods[0], 255);
    }
    o = op_at(&p, 1);
    OK(o->partition_of);
    STR_EQ(o->obj.name, "p");
    OK(op_at(&p, 2)->temp);
    o = op_at(&p, 3);
    INT_EQ(o->kind, PB_OP_OTHER);
    STR_EQ(o->stmt_kind, "SelectStmt");
    done(&p);
}

void test_parse(void)
{
    spans();
    errors();
    lowering();
}
