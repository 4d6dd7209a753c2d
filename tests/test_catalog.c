/* Catalog replay and the rollback journal: objects and their attributes
 * after replaying SQL, clones, and "up then down gives back the schema". */
#include <stdlib.h>

#include "catalog/catalog.h"
#include "catalog/journal.h"
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
        {"CREATE INDEX users_email_idx ON users (email);", "CREATE INDEX other_idx ON users (email);", 1,
         false},
        /* data the down part can only re-create empty */
        {"ALTER TABLE users DROP COLUMN code;", "ALTER TABLE users ADD COLUMN code int;", 1, true},
        /* ... unless the down part writes it back */
        {"CREATE TABLE codes AS SELECT id, code FROM users; ALTER TABLE users DROP COLUMN code;",
         "ALTER TABLE users ADD COLUMN code int; UPDATE users SET code = codes.code FROM codes WHERE "
         "codes.id = "
         "users.id; DROP TABLE codes;",
         0, false},
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

void test_catalog(void)
{
    objects();
    rollbacks();
}
