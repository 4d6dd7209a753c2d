/* Catalog replay and the rollback journal: objects and their attributes
 * after replaying SQL, clones, and "up then down gives back the schema". */
#include <stdlib.h>

#include "catalog/catalog.h"
#include "catalog/journal.h"
#include "core/buf.h"
#include "parse/parse.h"
#include "test.h"

/* Replays `sql` into `cat` as one part; with `j`, journals it. */
static void replay(pb_arena *a, pb_catalog *cat, const char *sql, pb_journal *j)
{
    pb_parse_result pr;
    char *text = pb_arena_strdup(a, sql);
    pb_parse_part(a, text, strlen(sql), &pr);
    CHECK_(pr.nerrors == 0, "replay: syntax error in: %s", sql);
    pb_catalog_begin_part(cat, 0);
    for (size_t i = 0; i < pr.ops.len; i++) {
        if (j)
            pb_journal_note(j, cat, pr.ops.items[i]);
        pb_catalog_apply(cat, pr.ops.items[i], 1);
    }
}

static void objects(void)
{
    pb_arena *a = pb_arena_new();
    pb_catalog cat;
    pb_catalog_init(&cat, a);
    replay(a, &cat,
           "CREATE SCHEMA app; CREATE TYPE mood AS ENUM ('ok');"
           "CREATE TABLE app.users (id bigint PRIMARY KEY, email varchar(200) NOT NULL, note text);"
           "ALTER TABLE app.users ADD COLUMN plan text DEFAULT 'free';"
           "ALTER TABLE app.users ALTER COLUMN note TYPE varchar(50);"
           "ALTER TABLE app.users ADD CONSTRAINT plan_nn CHECK (plan IS NOT NULL) NOT VALID;"
           "CREATE UNIQUE INDEX users_email_idx ON app.users (email);"
           "CREATE VIEW active_users AS SELECT 1;",
           NULL);
    pb_cat_table *t = pb_catalog_table(&cat, (pb_qname){"app", "users"});
    OK(t != NULL);
    OK(pb_catalog_table(&cat, (pb_qname){NULL, "users"}) == t); /* unqualified matches */
    OK(pb_catalog_table(&cat, (pb_qname){"other", "users"}) == NULL);
    pb_cat_column *email = pb_catalog_column(t, "email");
    OK(email && email->not_null && email->type.nmods == 1 && email->type.mods[0] == 200);
    pb_cat_column *note = pb_catalog_column(t, "note");
    OK(note && note->type.mods[0] == 50 && !note->not_null);
    OK(pb_catalog_column(t, "id") && pb_catalog_column(t, "id")->not_null);
    pb_cat_constraint *c = pb_catalog_constraint(t, "plan_nn");
    OK(c && !c->validated && c->kind == PB_CON_CHECK);
    OK(!pb_catalog_not_null_proven(&cat, (pb_qname){NULL, "users"}, "plan"));
    replay(a, &cat, "ALTER TABLE app.users VALIDATE CONSTRAINT plan_nn;", NULL);
    OK(pb_catalog_not_null_proven(&cat, (pb_qname){NULL, "users"}, "plan"));
    pb_cat_index *x = pb_catalog_index(&cat, (pb_qname){NULL, "users_email_idx"});
    OK(x && x->unique && x->table.name && !strcmp(x->table.name, "users"));
    OK(pb_catalog_index(&cat, (pb_qname){NULL, "users_pkey"}) != NULL); /* inline PRIMARY KEY */
    OK(pb_catalog_schema(&cat, "app") && pb_catalog_enum(&cat, (pb_qname){NULL, "mood"}));
    OK(pb_catalog_table(&cat, (pb_qname){NULL, "active_users"})->kind == PB_REL_VIEW);

    /* renames and drops */
    replay(a, &cat,
           "ALTER TABLE app.users RENAME COLUMN note TO remark; ALTER TABLE app.users RENAME TO members;"
           "ALTER INDEX users_email_idx RENAME TO members_email_idx; ALTER TABLE members DROP COLUMN plan;",
           NULL);
    OK(pb_catalog_table(&cat, (pb_qname){NULL, "users"}) == NULL);
    t = pb_catalog_table(&cat, (pb_qname){NULL, "members"});
    OK(t && pb_catalog_column(t, "remark") && !pb_catalog_column(t, "note") && !pb_catalog_column(t, "plan"));
    OK(pb_catalog_index(&cat, (pb_qname){NULL, "members_email_idx"}) &&
       !pb_catalog_index(&cat, (pb_qname){NULL, "users_email_idx"}));

    /* new-in-part follows the part serial */
    OK(!pb_catalog_is_new(&cat, (pb_qname){NULL, "members"}));
    replay(a, &cat, "CREATE TABLE fresh (id int);", NULL);
    OK(pb_catalog_is_new(&cat, (pb_qname){NULL, "fresh"}));

    /* a clone is independent of its source */
    pb_arena *b = pb_arena_new();
    pb_catalog *copy = pb_catalog_clone(b, &cat);
    replay(b, copy, "DROP TABLE members; ALTER TABLE fresh ADD COLUMN x int;", NULL);
    OK(pb_catalog_table(&cat, (pb_qname){NULL, "members"}) != NULL);
    OK(!pb_catalog_column(pb_catalog_table(&cat, (pb_qname){NULL, "fresh"}), "x"));
    OK(pb_catalog_table(copy, (pb_qname){NULL, "members"}) == NULL);
    pb_arena_free(b);
    pb_arena_free(a);
}

/* Up, then down on a clone: returns the number of differences. */
static size_t roundtrip(const char *before, const char *up, const char *down, pb_rollback_diff **d,
                        pb_arena **keep)
{
    pb_arena *a = pb_arena_new();
    pb_catalog cat;
    pb_catalog_init(&cat, a);
    replay(a, &cat, before, NULL);
    pb_journal j;
    pb_journal_init(&j, a);
    replay(a, &cat, up, &j);
    pb_catalog *after = pb_catalog_clone(a, &cat);
    j.in_down = true;
    replay(a, after, down, &j);
    *keep = a;
    return pb_journal_diff(&j, after, d);
}

static void rollbacks(void)
{
    static const char *before = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, code int);";
    struct {
        const char *up, *down;
        size_t diffs;
        bool data_loss;
    } cases[] = {
        /* correct rollbacks: the schema comes back equal */
        {"CREATE TABLE audit (id int); CREATE INDEX audit_id_idx ON audit (id);", "DROP TABLE audit;", 0,
         false},
        {"ALTER TABLE users ADD COLUMN nick text;", "ALTER TABLE users DROP COLUMN nick;", 0, false},
        {"ALTER TABLE users ALTER COLUMN code TYPE bigint;",
         "ALTER TABLE users ALTER COLUMN code TYPE integer;", 0, false},
        {"ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
         "ALTER TABLE users ALTER COLUMN email SET NOT NULL;", 0, false},
        {"ALTER TABLE users RENAME TO members;", "ALTER TABLE members RENAME TO users;", 0, false},
        {"CREATE INDEX users_email_idx ON users (email);", "DROP INDEX users_email_idx;", 0, false},
        {"ALTER TABLE users ADD CONSTRAINT code_pos CHECK (code > 0);",
         "ALTER TABLE users DROP CONSTRAINT code_pos;", 0, false},
        /* rollbacks that do not undo */
        {"CREATE TABLE audit (id int);", "", 1, false},
        {"ALTER TABLE users ADD COLUMN nick text;", "", 1, false},
        {"ALTER TABLE users ALTER COLUMN code TYPE bigint;", "", 1, false},
        {"ALTER TABLE users ALTER COLUMN email DROP NOT NULL;", "", 1, false},
        /* both: the up part's index stays, and the down part adds one */
        {"CREATE INDEX users_email_idx ON users (email);", "CREATE INDEX other_idx ON users (email);", 2,
         false},
        /* data the down part can only re-create empty */
        {"ALTER TABLE users DROP COLUMN code;", "ALTER TABLE users ADD COLUMN code int;", 1, true},
        /* ... unless the down part writes it back */
        {"CREATE TABLE codes AS SELECT id, code FROM users; ALTER TABLE users DROP COLUMN code;",
         "ALTER TABLE users ADD COLUMN code int; UPDATE users SET code = codes.code FROM codes WHERE "
         "codes.id = "
         "users.id; DROP TABLE codes;",
         0, false},
        /* DROP COLUMN IF EXISTS of a column pgbelay never saw: it may have
           existed, so adding it back is no difference */
        {"ALTER TABLE users DROP COLUMN IF EXISTS legacy;", "ALTER TABLE users ADD COLUMN legacy text;", 0,
         false},
        /* ... but another column the down part adds is */
        {"ALTER TABLE users DROP COLUMN IF EXISTS legacy;",
         "ALTER TABLE users ADD COLUMN legacy text, ADD COLUMN other int;", 1, false},
        /* the down part drops what the up part did not create */
        {"CREATE INDEX users_email_idx ON users (email);",
         "DROP INDEX users_email_idx; ALTER TABLE users DROP COLUMN code;", 1, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_rollback_diff *d;
        pb_arena *a;
        size_t n = roundtrip(before, cases[i].up, cases[i].down, &d, &a);
        CHECK_(n == cases[i].diffs, "rollback case %zu (%s | %s): %zu differences, want %zu%s%s", i,
               cases[i].up, cases[i].down, n, cases[i].diffs, n ? ": " : "", n ? d[0].message : "");
        if (n && cases[i].diffs)
            CHECK_(d[0].data_loss == cases[i].data_loss, "rollback case %zu: data_loss %d", i,
                   d[0].data_loss);
        pb_arena_free(a);
    }
}

/* ---- the kinds of issue 3: sequences, enums, partitions, views, constraints ---- */

static pb_catalog *fresh(pb_arena **a)
{
    *a = pb_arena_new();
    pb_catalog *cat = pb_arena_alloc(*a, sizeof *cat);
    pb_catalog_init(cat, *a);
    return cat;
}

static pb_qname N(const char *name)
{
    return (pb_qname){NULL, name};
}

static bool cols_are(const char *const *cols, size_t n, const char *want)
{
    char buf[256] = "";
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(buf, ",", sizeof buf - strlen(buf) - 1);
        strncat(buf, cols[i] ? cols[i] : "?", sizeof buf - strlen(buf) - 1);
    }
    return strcmp(buf, want) == 0;
}

static void sequences(void)
{
    pb_arena *a;
    pb_catalog *cat = fresh(&a);
    replay(
        a, cat,
        "CREATE TABLE users (id int, code int);"
        "CREATE SEQUENCE invoice_no AS integer; CREATE SEQUENCE IF NOT EXISTS app_seq;"
        "CREATE SEQUENCE owned_seq OWNED BY users.code;"
        "CREATE TABLE orders (id bigserial PRIMARY KEY, n int GENERATED ALWAYS AS IDENTITY, s smallserial);",
        NULL);
    pb_cat_sequence *s = pb_catalog_sequence(cat, N("invoice_no"));
    OK(s && s->type.name && !strcmp(s->type.name, "int4") && !s->owner.name && !s->implicit);
    s = pb_catalog_sequence(cat, N("app_seq"));
    OK(s && s->type.name && !strcmp(s->type.name, "int8")); /* CREATE SEQUENCE defaults to bigint */
    s = pb_catalog_sequence(cat, N("owned_seq"));
    OK(s && s->owner.name && !strcmp(s->owner.name, "users") && s->owner_column &&
       !strcmp(s->owner_column, "code"));
    /* serial and identity columns: <table>_<column>_seq, owned by the column */
    s = pb_catalog_sequence(cat, N("orders_id_seq"));
    OK(s && s->implicit && !strcmp(s->type.name, "int8") && !strcmp(s->owner_column, "id"));
    s = pb_catalog_sequence(cat, N("orders_n_seq"));
    OK(s && s->implicit && !strcmp(s->type.name, "int4"));
    s = pb_catalog_sequence(cat, N("orders_s_seq"));
    OK(s && !strcmp(s->type.name, "int2"));
    size_t it = 0, n = 0;
    while (pb_catalog_owned_sequence(cat, N("orders"), &it))
        n++;
    INT_EQ(n, 3);

    replay(a, cat,
           "ALTER SEQUENCE invoice_no AS bigint OWNED BY users.id; ALTER SEQUENCE owned_seq OWNED BY NONE;"
           "ALTER SEQUENCE invoice_no RENAME TO invoice_number; ALTER TABLE users ADD COLUMN seq serial;"
           "ALTER TABLE orders DROP COLUMN n; ALTER TABLE users RENAME COLUMN id TO user_id;",
           NULL);
    OK(!pb_catalog_sequence(cat, N("invoice_no")));
    s = pb_catalog_sequence(cat, N("invoice_number"));
    OK(s && !strcmp(s->type.name, "int8") && s->owner.name && !strcmp(s->owner_column, "user_id"));
    OK(!pb_catalog_sequence(cat, N("owned_seq"))->owner.name);
    OK(pb_catalog_sequence(cat, N("users_seq_seq")) != NULL);
    OK(!pb_catalog_sequence(cat, N("orders_n_seq"))); /* dropped with its column */
    replay(a, cat, "DROP TABLE orders; DROP SEQUENCE app_seq;", NULL);
    OK(!pb_catalog_sequence(cat, N("orders_id_seq")) && !pb_catalog_sequence(cat, N("orders_s_seq")));
    OK(!pb_catalog_sequence(cat, N("app_seq")));
    OK(!pb_catalog_index(cat, N("orders_pkey"))); /* indexes go with their table */
    /* ADD / DROP IDENTITY on an existing column */
    replay(a, cat, "ALTER TABLE users ALTER COLUMN code ADD GENERATED BY DEFAULT AS IDENTITY;", NULL);
    s = pb_catalog_sequence(cat, N("users_code_seq"));
    OK(s && s->implicit && s->type.name && !strcmp(s->type.name, "int4") && !strcmp(s->owner_column, "code"));
    replay(a, cat, "ALTER TABLE users ALTER COLUMN code DROP IDENTITY;", NULL);
    OK(!pb_catalog_sequence(cat, N("users_code_seq")));
    /* an ALTER of a sequence created before what pgbelay read */
    replay(a, cat, "ALTER SEQUENCE legacy_seq OWNED BY users.code;", NULL);
    s = pb_catalog_sequence(cat, N("legacy_seq"));
    OK(s && s->part == 0 && !s->type.name && s->owner.name);
    /* PostgreSQL's 63-byte names: the longer part is shortened */
    const char *long_t = "a_table_name_that_is_quite_long_indeed_yes"; /* 42 bytes */
    const char *long_c = "and_a_column_name_that_is_long_too_really";  /* 41 bytes */
    const char *seq = pb_catalog_serial_sequence_name(a, long_t, long_c);
    INT_EQ(strlen(seq), 63);
    STR_EQ(seq, "a_table_name_that_is_quite_lo_and_a_column_name_that_is_lon_seq");
    pb_arena_free(a);
}

static void enums(void)
{
    pb_arena *a;
    pb_catalog *cat = fresh(&a);
    replay(a, cat,
           "CREATE TYPE mood AS ENUM ('sad', 'ok');"
           "ALTER TYPE mood ADD VALUE 'happy';"
           "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';"
           "ALTER TYPE mood ADD VALUE 'glad' AFTER 'ok';"
           "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok';"
           "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';",
           NULL);
    pb_cat_enum *e = pb_catalog_enum(cat, N("mood"));
    OK(e && cols_are(e->values, e->nvalues, "blue,meh,ok,glad,happy"));
    replay(a, cat, "ALTER TYPE mood RENAME TO feeling;", NULL);
    OK(!pb_catalog_enum(cat, N("mood")));
    e = pb_catalog_enum(cat, N("feeling"));
    OK(e && e->nvalues == 5);
    replay(a, cat, "CREATE TYPE app.mood AS ENUM ('x'); DROP TYPE feeling;", NULL);
    OK(!pb_catalog_enum(cat, N("feeling")));
    OK(pb_catalog_enum(cat, (pb_qname){"app", "mood"}) && !pb_catalog_enum(cat, (pb_qname){"other", "mood"}));
    pb_arena_free(a);
}

static size_t count_dependents(const pb_catalog *cat, const char *table);

static void partitions(void)
{
    pb_arena *a;
    pb_catalog *cat = fresh(&a);
    replay(
        a, cat,
        "CREATE TABLE measurements (id bigint NOT NULL, at date, city int) PARTITION BY RANGE (at, city);"
        "CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01', 0) TO "
        "('2025-01-01', 0);"
        "CREATE TABLE measurements_old (id bigint NOT NULL, at date, city int);"
        "ALTER TABLE measurements ATTACH PARTITION measurements_old FOR VALUES FROM (MINVALUE, MINVALUE) TO "
        "('2024-01-01', 0);"
        "CREATE TABLE plain (id int);",
        NULL);
    const pb_cat_table *m = pb_catalog_table(cat, N("measurements"));
    OK(m && m->partitioned && m->partition_strategy && !strcmp(m->partition_strategy, "range"));
    OK(m && cols_are(m->partition_columns, m->npartition_columns, "at,city"));
    OK(pb_catalog_is_partitioned(cat, N("measurements")) && !pb_catalog_is_partitioned(cat, N("plain")));
    const pb_cat_table *p = pb_catalog_table(cat, N("measurements_2024"));
    OK(p && p->parent.name && !strcmp(p->parent.name, "measurements"));
    OK(p && pb_catalog_column(p, "id") && pb_catalog_column(p, "id")->not_null); /* the parent's columns */
    size_t it = 0, n = 0;
    while (pb_catalog_partition(cat, N("measurements"), &it))
        n++;
    INT_EQ(n, 2);
    replay(a, cat, "ALTER TABLE measurements DETACH PARTITION measurements_old CONCURRENTLY;", NULL);
    OK(!pb_catalog_table(cat, N("measurements_old"))->parent.name);
    it = n = 0;
    while (pb_catalog_partition(cat, N("measurements"), &it))
        n++;
    INT_EQ(n, 1);
    /* a rename of the parent is followed; DROP TABLE drops the partitions */
    replay(a, cat, "ALTER TABLE measurements RENAME TO readings;", NULL);
    OK(!strcmp(pb_catalog_table(cat, N("measurements_2024"))->parent.name, "readings"));
    replay(a, cat, "DROP TABLE readings;", NULL);
    OK(!pb_catalog_table(cat, N("measurements_2024")) && pb_catalog_table(cat, N("measurements_old")));
    /* many partitions and readers: no cap on what follows or goes along */
    pb_buf sql = {0};
    pb_buf_puts(&sql, "CREATE TABLE big (id int, at int) PARTITION BY RANGE (at);");
    for (int i = 0; i < 150; i++)
        pb_buf_printf(&sql,
                      "CREATE TABLE big_%d PARTITION OF big FOR VALUES FROM (%d) TO (%d);"
                      "CREATE VIEW big_v%d AS SELECT * FROM big;",
                      i, i, i + 1, i);
    replay(a, cat, pb_buf_cstr(&sql), NULL);
    pb_buf_release(&sql);
    replay(a, cat, "ALTER TABLE big RENAME TO huge;", NULL);
    it = n = 0;
    while (pb_catalog_partition(cat, N("huge"), &it))
        n++;
    INT_EQ(n, 150);
    INT_EQ(count_dependents(cat, "huge"), 150);
    replay(a, cat, "DROP TABLE huge CASCADE;", NULL);
    OK(!pb_catalog_table(cat, N("big_149")) && !pb_catalog_table(cat, N("big_v149")) &&
       !pb_catalog_table(cat, N("big_0")));
    /* ATTACH to a table pgbelay has not seen created: it must be partitioned */
    replay(a, cat, "ALTER TABLE events ATTACH PARTITION measurements_old DEFAULT;", NULL);
    OK(pb_catalog_is_partitioned(cat, N("events")));
    pb_arena_free(a);
}

static char reads_buf[256];

/* Does view `v` read exactly `want` ("a,b"), in that order? */
static bool reads(const pb_cat_table *v, const char *want)
{
    reads_buf[0] = '\0';
    for (size_t i = 0; v && i < v->nreads; i++) {
        if (i)
            strncat(reads_buf, ",", sizeof reads_buf - strlen(reads_buf) - 1);
        strncat(reads_buf, v->reads[i].name, sizeof reads_buf - strlen(reads_buf) - 1);
    }
    return v && strcmp(reads_buf, want) == 0;
}

static size_t count_dependents(const pb_catalog *cat, const char *table)
{
    size_t it = 0, n = 0;
    while (pb_catalog_dependent_view(cat, N(table), &it))
        n++;
    return n;
}

static void views(void)
{
    pb_arena *a;
    pb_catalog *cat = fresh(&a);
    replay(a, cat,
           "CREATE VIEW v AS WITH recent AS (SELECT * FROM orders WHERE at > now() - interval '1 day') "
           "SELECT u.id, (SELECT count(*) FROM notes n WHERE n.uid = u.id) AS c FROM users u "
           "JOIN recent r ON r.uid = u.id LEFT JOIN app.orgs o ON o.id = u.org "
           "CROSS JOIN LATERAL (SELECT 1 FROM tags) t WHERE u.id IN (SELECT uid FROM bans) "
           "UNION SELECT id, 0 FROM users;"
           "CREATE MATERIALIZED VIEW mv AS SELECT * FROM orders;",
           NULL);
    const pb_cat_table *v = pb_catalog_table(cat, N("v"));
    CHECK_(reads(v, "orders,users,orgs,tags,notes,bans"), "view reads %s", reads_buf);
    OK(!reads(v, "recent")); /* a CTE is not a relation */
    OK(pb_catalog_table(cat, N("mv"))->kind == PB_REL_MATVIEW &&
       reads(pb_catalog_table(cat, N("mv")), "orders"));
    INT_EQ(count_dependents(cat, "orders"), 2);
    INT_EQ(count_dependents(cat, "users"), 1);
    INT_EQ(count_dependents(cat, "orgs"), 1);
    INT_EQ(count_dependents(cat, "recent"), 0);
    /* OR REPLACE changes what the view reads */
    replay(a, cat, "CREATE OR REPLACE VIEW v AS SELECT id FROM users;", NULL);
    OK(reads(pb_catalog_table(cat, N("v")), "users"));
    INT_EQ(count_dependents(cat, "orders"), 1);
    /* a renamed table is followed by the views that read it */
    replay(a, cat, "ALTER TABLE users RENAME TO members;", NULL);
    CHECK_(reads(pb_catalog_table(cat, N("v")), "members"), "view reads %s", reads_buf);
    INT_EQ(count_dependents(cat, "members"), 1);
    INT_EQ(count_dependents(cat, "users"), 0);
    replay(a, cat, "DROP VIEW v; DROP TABLE orders CASCADE;", NULL);
    OK(!pb_catalog_table(cat, N("v")) && !pb_catalog_table(cat, N("mv")));
    INT_EQ(count_dependents(cat, "members"), 0);
    pb_arena_free(a);
}

static void constraints(void)
{
    pb_arena *a;
    pb_catalog *cat = fresh(&a);
    replay(a, cat,
           "CREATE TABLE t (a int, b int, c int REFERENCES p, d int CONSTRAINT d_pos CHECK (d > 0), e int "
           "UNIQUE,"
           " PRIMARY KEY (a, b), UNIQUE (c, d), FOREIGN KEY (a, b) REFERENCES q (x, y),"
           " CONSTRAINT a_lt_b CHECK (a < b), CHECK (c > 0), CONSTRAINT t_named_key UNIQUE (e, a));",
           NULL);
    pb_cat_table *t = pb_catalog_table(cat, N("t"));
    OK(t != NULL);
    struct {
        const char *name;
        pb_constraint_kind kind;
        const char *cols;
    } want[] = {
        {"t_c_fkey", PB_CON_FOREIGN_KEY, "c"}, {"d_pos", PB_CON_CHECK, "d"},
        {"t_e_key", PB_CON_UNIQUE, "e"},       {"t_pkey", PB_CON_PRIMARY_KEY, "a,b"},
        {"t_c_d_key", PB_CON_UNIQUE, "c,d"},   {"t_a_b_fkey", PB_CON_FOREIGN_KEY, "a,b"},
        {"a_lt_b", PB_CON_CHECK, "a,b"},       {"t_c_check", PB_CON_CHECK, "c"},
        {"t_named_key", PB_CON_UNIQUE, "e,a"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const pb_cat_constraint *c = pb_catalog_constraint(t, want[i].name);
        CHECK_(c && c->kind == want[i].kind && c->validated &&
                   cols_are(c->columns, c->ncolumns, want[i].cols),
               "constraint %s: %s", want[i].name, c ? "wrong kind or columns" : "missing");
    }
    INT_EQ(t ? t->constraints.len : 0, sizeof want / sizeof want[0]);
    OK(!strcmp(pb_catalog_constraint(t, "t_a_b_fkey")->ref.name, "q"));
    OK(pb_catalog_column(t, "a")->not_null && pb_catalog_column(t, "b")->not_null);
    /* the indexes behind PRIMARY KEY and UNIQUE, named after the constraint */
    const pb_cat_index *x = pb_catalog_index(cat, N("t_pkey"));
    OK(x && x->unique && cols_are((const char *const *)x->columns, x->ncolumns, "a,b"));
    x = pb_catalog_index(cat, N("t_named_key"));
    OK(x && cols_are((const char *const *)x->columns, x->ncolumns, "e,a"));
    OK(pb_catalog_index(cat, N("t_c_d_key")) && pb_catalog_index(cat, N("t_e_key")));
    OK(!pb_catalog_index(cat, N("t_c_fkey")));

    /* ALTER TABLE: unnamed constraints get PostgreSQL's names, numbered when taken */
    replay(a, cat,
           "ALTER TABLE t ADD CHECK (c > 1); ALTER TABLE t ADD CHECK (a > 0 AND b > 0);"
           "ALTER TABLE t ADD FOREIGN KEY (d) REFERENCES r NOT VALID; ALTER TABLE t ADD UNIQUE (b);"
           "ALTER TABLE t ADD COLUMN f int CONSTRAINT f_ref REFERENCES r UNIQUE;",
           NULL);
    OK(pb_catalog_constraint(t, "t_c_check1") && pb_catalog_constraint(t, "t_check"));
    const pb_cat_constraint *fk = pb_catalog_constraint(t, "t_d_fkey");
    OK(fk && !fk->validated && cols_are(fk->columns, fk->ncolumns, "d"));
    OK(pb_catalog_constraint(t, "t_b_key") && pb_catalog_index(cat, N("t_b_key")));
    OK(pb_catalog_constraint(t, "f_ref") && pb_catalog_index(cat, N("t_f_key")));
    /* renames follow into constraint and index columns; DROP COLUMN drops what involves it */
    replay(a, cat, "ALTER TABLE t RENAME COLUMN a TO aa; ALTER TABLE t DROP COLUMN c;", NULL);
    OK(cols_are(pb_catalog_constraint(t, "t_pkey")->columns, 2, "aa,b"));
    x = pb_catalog_index(cat, N("t_pkey"));
    OK(x && cols_are((const char *const *)x->columns, x->ncolumns, "aa,b"));
    OK(!pb_catalog_constraint(t, "t_c_fkey") && !pb_catalog_constraint(t, "t_c_d_key") &&
       !pb_catalog_constraint(t, "t_c_check"));
    OK(!pb_catalog_index(cat, N("t_c_d_key")) && pb_catalog_index(cat, N("t_e_key")));

    /* default names as PostgreSQL chooses them */
    const char *ab[] = {"a", "b"};
    STR_EQ(pb_catalog_default_constraint_name(a, "t", PB_CON_PRIMARY_KEY, ab, 2), "t_pkey");
    STR_EQ(pb_catalog_default_constraint_name(a, "t", PB_CON_UNIQUE, ab, 2), "t_a_b_key");
    STR_EQ(pb_catalog_default_constraint_name(a, "t", PB_CON_FOREIGN_KEY, ab, 2), "t_a_b_fkey");
    STR_EQ(pb_catalog_default_constraint_name(a, "t", PB_CON_CHECK, ab, 1), "t_a_check");
    STR_EQ(pb_catalog_default_constraint_name(a, "t", PB_CON_CHECK, ab, 2), "t_check");
    STR_EQ(pb_catalog_default_constraint_name(a, "t", PB_CON_EXCLUSION, ab, 1), "t_a_excl");
    pb_arena_free(a);
}

/* ---- snapshots: up + down compared with the state before up ------------------------ */

static void collect(void *ud, const char *difference)
{
    const char **first = ud;
    if (!*first)
        *first = difference;
}

/* Replays `before`, snapshots it (a deep clone in its own arena, which
 * outlives the catalog), replays `up` and `down` the way the linter does
 * (journal, undo log) and returns the differences between the snapshot
 * and the result. Also checks that the undo log puts back the state after
 * `up`, and returns the journal's own count in *journal_diffs. */
static size_t snapshot_roundtrip(const char *before, const char *up, const char *down, size_t *journal_diffs,
                                 const char **first)
{
    pb_arena *a = pb_arena_new(), *snap_arena = pb_arena_new();
    pb_catalog cat;
    pb_catalog_init(&cat, a);
    replay(a, &cat, before, NULL);
    pb_catalog *snapshot = pb_catalog_clone(snap_arena, &cat);
    pb_journal j;
    pb_journal_init(&j, a);
    replay(a, &cat, up, &j);
    pb_catalog *after_up = pb_catalog_clone(snap_arena, &cat);
    /* the down part: journal in down mode plus an undo log */
    pb_journal undo;
    pb_journal_init(&undo, a);
    j.in_down = true;
    {
        pb_parse_result pr;
        char *text = pb_arena_strdup(a, down);
        pb_parse_part(a, text, strlen(down), &pr);
        pb_catalog_begin_part(&cat, 0);
        for (size_t i = 0; i < pr.ops.len; i++) {
            pb_journal_note(&j, &cat, pr.ops.items[i]);
            pb_journal_note(&undo, &cat, pr.ops.items[i]);
            pb_catalog_apply(&cat, pr.ops.items[i], 1);
        }
    }
    *first = NULL;
    size_t n = pb_catalog_diff(snap_arena, snapshot, &cat, collect, first);
    pb_rollback_diff *d;
    *journal_diffs = pb_journal_diff(&j, &cat, &d);
    pb_journal_undo(&undo, &cat);
    const char *undo_first = NULL;
    size_t undo_n = pb_catalog_diff(snap_arena, after_up, &cat, collect, &undo_first);
    CHECK_(undo_n == 0, "undo of the down part (%s) does not give back the state after up (%s): %s", down, up,
           undo_first ? undo_first : "");
    if (*first)
        *first = strdup(*first);
    pb_arena_free(a); /* the snapshots do not depend on it */
    INT_EQ(pb_catalog_diff(snap_arena, snapshot, snapshot, NULL, NULL), 0);
    pb_arena_free(snap_arena);
    return n;
}

static void snapshots(void)
{
    static const char *before =
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, code int, org int);"
        "CREATE TABLE orgs (id int PRIMARY KEY);"
        "CREATE SEQUENCE s; CREATE TYPE mood AS ENUM ('a', 'b');"
        "CREATE TABLE m (id int, at date) PARTITION BY RANGE (at);"
        "CREATE TABLE m_old (id int, at date);"
        "CREATE TABLE m_gone PARTITION OF m FOR VALUES FROM ('2000-01-01') TO ('2001-01-01');"
        "CREATE VIEW v AS SELECT id FROM users;"
        "CREATE TABLE t2 (id serial PRIMARY KEY, v text); CREATE INDEX t2_v_idx ON t2 (v);";
    struct {
        const char *what, *up, *down, *wrong;
    } cases[] = {
        {"sequence", "CREATE SEQUENCE invoice_no AS integer;", "DROP SEQUENCE invoice_no;", ""},
        {"sequence owner", "ALTER SEQUENCE s OWNED BY users.code;", "ALTER SEQUENCE s OWNED BY NONE;", ""},
        {"sequence type", "ALTER SEQUENCE s AS integer;", "ALTER SEQUENCE s AS bigint;", ""},
        {"sequence rename", "ALTER SEQUENCE s RENAME TO s2;", "ALTER SEQUENCE s2 RENAME TO s;", ""},
        {"serial column", "ALTER TABLE users ADD COLUMN seqno bigserial;",
         "ALTER TABLE users DROP COLUMN seqno;",
         "ALTER TABLE users DROP COLUMN seqno; CREATE SEQUENCE users_seqno_seq;"},
        {"enum type", "CREATE TYPE color AS ENUM ('red', 'blue');", "DROP TYPE color;", ""},
        {"enum value", "ALTER TYPE mood ADD VALUE 'c' BEFORE 'b';",
         "DROP TYPE mood; CREATE TYPE mood AS ENUM ('a', 'b');",
         "DROP TYPE mood; CREATE TYPE mood AS ENUM ('a');"},
        {"enum value order", "ALTER TYPE mood ADD VALUE 'c' BEFORE 'b';",
         "DROP TYPE mood; CREATE TYPE mood AS ENUM ('a', 'b');",
         "DROP TYPE mood; CREATE TYPE mood AS ENUM ('b', 'a');"},
        {"enum rename value", "ALTER TYPE mood RENAME VALUE 'a' TO 'z';",
         "ALTER TYPE mood RENAME VALUE 'z' TO 'a';", ""},
        {"enum rename", "ALTER TYPE mood RENAME TO feeling;", "ALTER TYPE feeling RENAME TO mood;", ""},
        {"partition of", "CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
         "DROP TABLE m_1;", ""},
        {"attach", "ALTER TABLE m ATTACH PARTITION m_old FOR VALUES FROM ('2001-01-01') TO ('2002-01-01');",
         "ALTER TABLE m DETACH PARTITION m_old;", ""},
        {"detach", "ALTER TABLE m DETACH PARTITION m_gone;",
         "ALTER TABLE m ATTACH PARTITION m_gone FOR VALUES FROM ('2000-01-01') TO ('2001-01-01');", ""},
        {"partitioned table", "CREATE TABLE logs (at date) PARTITION BY LIST (at);", "DROP TABLE logs;",
         "DROP TABLE logs; CREATE TABLE logs (at date);"},
        {"view", "CREATE VIEW active AS SELECT * FROM users JOIN orgs ON orgs.id = users.org;",
         "DROP VIEW active;", ""},
        {"view query", "CREATE OR REPLACE VIEW v AS SELECT u.id FROM users u JOIN orgs o ON o.id = u.org;",
         "CREATE OR REPLACE VIEW v AS SELECT id FROM users;", ""},
        {"matview", "CREATE MATERIALIZED VIEW mv AS SELECT * FROM orgs;", "DROP MATERIALIZED VIEW mv;", ""},
        {"rename read table", "ALTER TABLE users RENAME TO members;", "ALTER TABLE members RENAME TO users;",
         "ALTER TABLE members RENAME TO users; CREATE OR REPLACE VIEW v AS SELECT id FROM members;"},
        {"table-level keys", "CREATE TABLE k (a int, b int, PRIMARY KEY (a, b), UNIQUE (b), CHECK (a > b));",
         "DROP TABLE k;", "DROP INDEX k_pkey;"},
        {"add unique", "ALTER TABLE users ADD CONSTRAINT users_code_key UNIQUE (code);",
         "ALTER TABLE users DROP CONSTRAINT users_code_key;", "DROP INDEX users_code_key;"},
        {"unnamed check", "ALTER TABLE users ADD CHECK (code > 0);",
         "ALTER TABLE users DROP CONSTRAINT users_code_check;",
         "ALTER TABLE users DROP CONSTRAINT code_check;"},
        {"unnamed foreign key", "ALTER TABLE users ADD FOREIGN KEY (org) REFERENCES orgs;",
         "ALTER TABLE users DROP CONSTRAINT users_org_fkey;", ""},
        {"drop table", "DROP TABLE t2;",
         "CREATE TABLE t2 (id serial PRIMARY KEY, v text); CREATE INDEX t2_v_idx ON t2 (v);",
         "CREATE TABLE t2 (id serial PRIMARY KEY, v text);"},
        {"drop column", "ALTER TABLE users DROP COLUMN email;",
         "ALTER TABLE users ADD COLUMN email text NOT NULL;", "ALTER TABLE users ADD COLUMN email text;"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t jd;
        const char *first;
        size_t n = snapshot_roundtrip(before, cases[i].up, cases[i].down, &jd, &first);
        CHECK_(n == 0, "%s: up + correct down differs from the snapshot (%zu): %s", cases[i].what, n,
               first ? first : "");
        free((void *)first);
        n = snapshot_roundtrip(before, cases[i].up, cases[i].wrong, &jd, &first);
        CHECK_(n > 0, "%s: up + wrong down (%s) not detected by pb_catalog_diff", cases[i].what,
               cases[i].wrong);
        CHECK_(jd > 0, "%s: up + wrong down (%s) not detected by the rollback journal", cases[i].what,
               cases[i].wrong);
        free((void *)first);
    }
    /* the correct downs also satisfy the rollback journal (data loss aside) */
    size_t jd;
    const char *first;
    /* an enum value the down part leaves is a difference of the snapshots,
       but no rollback finding: PostgreSQL cannot drop an enum value */
    INT_EQ(snapshot_roundtrip(before, "ALTER TYPE mood ADD VALUE 'c';", "", &jd, &first), 1);
    INT_EQ(jd, 0);
    free((void *)first);
    /* a type rename is followed by the columns of that type; DROP TYPE ...
       CASCADE drops them */
    static const char *with_enum = "CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TABLE feel (m mood, n mood);";
    INT_EQ(snapshot_roundtrip(
               with_enum,
               "CREATE TYPE mood2 AS ENUM ('a', 'b', 'c'); ALTER TABLE feel ALTER COLUMN m TYPE "
               "mood2 USING m::text::mood2; ALTER TABLE feel ALTER COLUMN n TYPE mood2 USING "
               "n::text::mood2; DROP TYPE mood; ALTER TYPE mood2 RENAME TO mood;",
               "CREATE TYPE mood_old AS ENUM ('a', 'b'); ALTER TABLE feel ALTER COLUMN m TYPE mood_old "
               "USING m::text::mood_old; ALTER TABLE feel ALTER COLUMN n TYPE mood_old USING "
               "n::text::mood_old; DROP TYPE mood; ALTER TYPE mood_old RENAME TO mood;",
               &jd, &first),
           0);
    INT_EQ(jd, 0);
    free((void *)first);
    INT_EQ(snapshot_roundtrip(with_enum, "DROP TYPE mood CASCADE;", "CREATE TYPE mood AS ENUM ('a', 'b');",
                              &jd, &first),
           2); /* feel.m and feel.n are gone */
    INT_EQ(jd, 2);
    free((void *)first);
    snapshot_roundtrip(before, "CREATE VIEW active AS SELECT * FROM users;", "DROP VIEW active;", &jd,
                       &first);
    INT_EQ(jd, 0);
    snapshot_roundtrip(before, "ALTER TYPE mood RENAME VALUE 'a' TO 'z';",
                       "ALTER TYPE mood RENAME VALUE 'z' TO 'a';", &jd, &first);
    INT_EQ(jd, 0);
}

/* A clone owns its names: it stays usable after its source is freed. */
static void clone_is_deep(void)
{
    pb_arena *a = pb_arena_new(), *b = pb_arena_new();
    pb_catalog cat;
    pb_catalog_init(&cat, a);
    replay(a, &cat,
           "CREATE TABLE p (id serial PRIMARY KEY, k int, UNIQUE (k)) PARTITION BY HASH (id);"
           "CREATE TABLE p1 PARTITION OF p FOR VALUES WITH (MODULUS 2, REMAINDER 0);"
           "CREATE TYPE e AS ENUM ('x'); CREATE VIEW pv AS SELECT * FROM p; CREATE SCHEMA s;",
           NULL);
    pb_catalog *copy = pb_catalog_clone(b, &cat);
    pb_arena *c = pb_arena_new();
    INT_EQ(pb_catalog_diff(c, &cat, copy, NULL, NULL), 0);
    pb_arena_free(a);
    OK(pb_catalog_is_partitioned(copy, N("p")));
    size_t it = 0;
    const pb_cat_table *part = pb_catalog_partition(copy, N("p"), &it);
    OK(part && !strcmp(part->name.name, "p1"));
    it = 0;
    OK(pb_catalog_dependent_view(copy, N("p"), &it) != NULL);
    OK(pb_catalog_sequence(copy, N("p_id_seq")) && pb_catalog_enum(copy, N("e")) &&
       pb_catalog_schema(copy, "s"));
    const pb_cat_index *x = pb_catalog_index(copy, N("p_k_key"));
    OK(x && x->ncolumns == 1 && !strcmp(x->columns[0], "k"));
    INT_EQ(pb_catalog_diff(c, copy, copy, NULL, NULL), 0);
    /* and a change to it is seen by the comparison */
    pb_catalog *copy2 = pb_catalog_clone(c, copy);
    replay(c, copy2, "ALTER TABLE p1 ADD COLUMN z int; ALTER TYPE e ADD VALUE 'y';", NULL);
    INT_EQ(pb_catalog_diff(c, copy, copy2, NULL, NULL), 2);
    pb_arena_free(b);
    pb_arena_free(c);
}

void test_catalog(void)
{
    objects();
    rollbacks();
    sequences();
    enums();
    partitions();
    views();
    constraints();
    snapshots();
    clone_is_deep();
}
