/* `pgbelay facts` and `pgbelay catalog` from the command line: the claims
 * each statement makes (per relation), the JSON forms (parsed with
 * Jansson), exit codes and messages on bad input. What the claims say is
 * proven against a real server by tests/pg/facts.py; these checks pin the
 * command's behaviour without one. */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

/* ---- from test_golden.c ----------------------------------------------------- */

typedef struct tst_cmd {
    const char *const *argv;
    const char *cwd;
    const char *const *env;
    const char *input;
    size_t input_len;
    bool tty;
    int timeout_s;
} tst_cmd;

typedef struct tst_result {
    char *out, *err;
    size_t out_len, err_len;
    int exit_code;
    int signal;
    bool timed_out;
    bool spawn_failed;
} tst_result;

bool tst_run(const tst_cmd *c, tst_result *r);
void tst_result_free(tst_result *r);
bool tst_sanitizer_report(const tst_result *r);
const char *tst_status(const tst_result *r);
bool tst_write_file(const char *path, const char *data, size_t len);

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static void run_in(tst_result *r, const char *dir, const char *const *argv)
{
    tst_cmd c = {.argv = argv, .cwd = dir};
    tst_run(&c, r);
    bool bad = r->spawn_failed || r->timed_out || r->signal || tst_sanitizer_report(r);
    CHECK_(!bad, "pgbelay %s %s: %s", argv[0], argv[1] ? argv[1] : "", tst_status(r));
}

static bool has(const tst_result *r, const char *s)
{
    return r->out && strstr(r->out, s) != NULL;
}

static bool has_err(const tst_result *r, const char *s)
{
    return r->err && strstr(r->err, s) != NULL;
}

static bool put(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    if (slash && slash > path + strlen(dir)) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    return tst_write_file(path, text, strlen(text));
}

static void rm_rf(const char *dir)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
}

/* The statement of `doc` (pgbelay-facts/1) whose text starts with `prefix`. */
static json_t *stmt_of(json_t *doc, const char *prefix)
{
    json_t *files = json_object_get(doc, "files"), *f, *s;
    size_t i, k;
    json_array_foreach(files, i, f)
    {
        json_array_foreach(json_object_get(f, "statements"), k, s)
        {
            const char *t = json_string_value(json_object_get(s, "statement"));
            if (t && !strncmp(t, prefix, strlen(prefix)))
                return s;
        }
    }
    return NULL;
}

/* The mode claimed on `rel` in statement `s`, or NULL. */
static const char *mode_on(json_t *s, const char *rel)
{
    json_t *l;
    size_t i;
    json_array_foreach(json_object_get(s, "locks"), i, l)
    {
        const char *r = json_string_value(json_object_get(l, "relation"));
        if (r && !strcmp(r, rel))
            return json_string_value(json_object_get(l, "mode"));
    }
    return NULL;
}

static bool lists(json_t *s, const char *key, const char *rel)
{
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(s, key), i, v)
    {
        if (json_string_value(v) && !strcmp(json_string_value(v), rel))
            return true;
    }
    return false;
}

static const char SEED[] = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
                           "CREATE INDEX users_email_idx ON users (email);\n"
                           "CREATE TABLE orders (id int PRIMARY KEY, user_id bigint REFERENCES users (id));\n"
                           "CREATE TABLE p (k int) PARTITION BY RANGE (k);\n"
                           "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);\n"
                           "CREATE TABLE pd PARTITION OF p DEFAULT;\n"
                           "CREATE TABLE events (at timestamp);\n"
                           "CREATE INDEX events_at_idx ON events (at);\n"
                           "CREATE SCHEMA app;\n"
                           "CREATE TABLE app.events (id bigint);\n";

static void facts_claims(const char *dir)
{
    OK(put(dir, "seed.sql", SEED));
    OK(put(dir, "m/001_change.sql",
           "ALTER TABLE orders ADD CONSTRAINT orders_fk FOREIGN KEY (user_id) REFERENCES users (id);\n"
           "CREATE INDEX CONCURRENTLY users_email2_idx ON users (email);\n"
           "DROP INDEX users_email_idx;\n"
           "ALTER TABLE users ALTER COLUMN id TYPE numeric;\n"
           "CREATE INDEX p_k_idx ON p (k);\n"
           "INSERT INTO orders (id, user_id) VALUES (1, 1);\n"
           "SET TimeZone = 'UTC';\n"
           "ALTER TABLE events ALTER COLUMN at TYPE timestamptz;\n"
           "LOCK TABLE orders IN SHARE MODE;\n"
           "CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (10) TO (20);\n"));
    tst_result r;
    run_in(&r, dir, ARGV("facts", "--format", "json", "--schema", "seed.sql", "m/001_change.sql"));
    INT_EQ(r.exit_code, 0);
    json_error_t e;
    json_t *doc = json_loads(r.out ? r.out : "", 0, &e);
    OK(doc != NULL);
    STR_EQ(json_string_value(json_object_get(doc, "format")), "pgbelay-facts/1");
    INT_EQ(json_integer_value(json_object_get(doc, "pg_version")), 15);
    json_t *s = stmt_of(doc, "ALTER TABLE orders ADD CONSTRAINT");
    STR_EQ(mode_on(s, "orders"), "SHARE ROW EXCLUSIVE");
    STR_EQ(mode_on(s, "users"), "SHARE ROW EXCLUSIVE");
    OK(lists(s, "scans", "orders") && !lists(s, "rewrites", "orders"));
    STR_EQ(json_string_value(json_object_get(s, "transaction_block")), "allowed");
    s = stmt_of(doc, "CREATE INDEX CONCURRENTLY");
    STR_EQ(mode_on(s, "users"), "SHARE UPDATE EXCLUSIVE");
    STR_EQ(json_string_value(json_object_get(s, "transaction_block")), "not allowed");
    OK(lists(s, "index_builds", "users"));
    s = stmt_of(doc, "DROP INDEX");
    STR_EQ(mode_on(s, "users"), "ACCESS EXCLUSIVE"); /* the index's table, from the catalog */
    STR_EQ(mode_on(s, "users_email_idx"), "ACCESS EXCLUSIVE");
    s = stmt_of(doc, "ALTER TABLE users ALTER COLUMN id");
    OK(lists(s, "rewrites", "users"));
    STR_EQ(mode_on(s, "orders"), "ACCESS EXCLUSIVE"); /* its foreign key is rebuilt */
    OK(lists(s, "scans", "orders"));
    s = stmt_of(doc, "CREATE INDEX p_k_idx");
    STR_EQ(mode_on(s, "p"), "SHARE");
    STR_EQ(mode_on(s, "p1"), "SHARE"); /* recursion to the partition */
    OK(lists(s, "index_builds", "p1"));
    s = stmt_of(doc, "INSERT INTO orders");
    STR_EQ(mode_on(s, "orders"), "ROW EXCLUSIVE");
    STR_EQ(mode_on(s, "users"), "ROW SHARE");
    s = stmt_of(doc, "ALTER TABLE events");
    /* public.events, not app.events: the old type is known; UTC makes it catalog-only but the
       index on the column is rebuilt */
    OK(!lists(s, "rewrites", "events") && lists(s, "index_builds", "events"));
    s = stmt_of(doc, "CREATE TABLE p2");
    STR_EQ(mode_on(s, "p"), "ACCESS EXCLUSIVE");
    STR_EQ(mode_on(s, "pd"), "ACCESS EXCLUSIVE"); /* the DEFAULT partition, scanned */
    OK(lists(s, "scans", "pd"));
    s = stmt_of(doc, "LOCK TABLE");
    STR_EQ(mode_on(s, "orders"), "SHARE");
    STR_EQ(json_string_value(json_object_get(s, "transaction_block")), "required");
    json_t *op = json_array_get(json_object_get(stmt_of(doc, "ALTER TABLE orders ADD"), "ops"), 0);
    STR_EQ(json_string_value(json_array_get(json_object_get(op, "facts"), 0)), "ADD_FOREIGN_KEY");
    json_decref(doc);
    tst_result_free(&r);

    run_in(&r, dir, ARGV("facts", "--schema", "seed.sql", "m/001_change.sql"));
    INT_EQ(r.exit_code, 0);
    OK(has(&r, "m/001_change.sql:1: AlterTableStmt: SHARE ROW EXCLUSIVE on orders (table); SHARE ROW "
               "EXCLUSIVE on users (referenced table); scans orders\n"));
    OK(has(&r, "m/001_change.sql:2: IndexStmt: SHARE UPDATE EXCLUSIVE on users (table); builds an index on "
               "users; cannot run inside a transaction block\n"));
    tst_result_free(&r);

    /* without the schema the old type is unknown: a rewrite is claimed */
    run_in(&r, dir, ARGV("facts", "m/001_change.sql"));
    OK(has(&r, "m/001_change.sql:8: AlterTableStmt: ACCESS EXCLUSIVE on events (table); rewrites events"));
    tst_result_free(&r);
}

static void facts_errors(const char *dir)
{
    OK(put(dir, "bad/001_bad.sql", "CREATE TABLE t (id int);\nCREATE TABEL oops (x int);\nDROP TABLE t;\n"));
    tst_result r;
    run_in(&r, dir, ARGV("facts", "--format", "json", "bad/001_bad.sql"));
    INT_EQ(r.exit_code, 0); /* a syntax error is reported; the rest is printed */
    OK(has_err(&r, "bad/001_bad.sql:2: syntax error"));
    OK(has(&r, "\"DROP TABLE t\"") && has(&r, "\"errors\": [\n"));
    tst_result_free(&r);
    const char *const *bad[] = {
        ARGV("facts"),
        ARGV("facts", "--format", "xml", "bad/001_bad.sql"),
        ARGV("facts", "--pg-version", "9", "bad/001_bad.sql"),
        ARGV("facts", "--frobnicate", "bad/001_bad.sql"),
        ARGV("facts", "missing.sql"),
        ARGV("facts", "--schema", "missing.sql", "bad/001_bad.sql"),
        ARGV("catalog"),
        ARGV("catalog", "--format", "yaml", "bad"),
        ARGV("catalog", "missing-dir"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_in(&r, dir, bad[i]);
        CHECK_(r.exit_code == 2 && r.err_len > 0 && !strncmp(r.err, "pgbelay: ", 9),
               "pgbelay %s %s: exit %d, stderr '%.200s'", bad[i][0], bad[i][1] ? bad[i][1] : "", r.exit_code,
               r.err ? r.err : "");
        tst_result_free(&r);
    }
    run_in(&r, dir, ARGV("facts", "--help"));
    OK(r.exit_code == 0 && has(&r, "usage: pgbelay facts"));
    tst_result_free(&r);
    run_in(&r, dir, ARGV("catalog", "--help"));
    OK(r.exit_code == 0 && has(&r, "usage: pgbelay catalog"));
    tst_result_free(&r);
}

/* The column `col` of relation `name` in a pgbelay-catalog/1 set. */
static json_t *column_of(json_t *set, const char *schema, const char *name, const char *col)
{
    json_t *r, *c;
    size_t i, k;
    json_array_foreach(json_object_get(set, "relations"), i, r)
    {
        const char *s = json_string_value(json_object_get(r, "schema"));
        if (strcmp(json_string_value(json_object_get(r, "name")), name) || (schema ? !s || strcmp(s, schema) : !!s))
            continue;
        json_array_foreach(json_object_get(r, "columns"), k, c)
        {
            if (!strcmp(json_string_value(json_object_get(c, "name")), col))
                return c;
        }
    }
    return NULL;
}

static json_t *named(json_t *set, const char *key, const char *name)
{
    json_t *x;
    size_t i;
    json_array_foreach(json_object_get(set, key), i, x)
    {
        if (!strcmp(json_string_value(json_object_get(x, "name")), name))
            return x;
    }
    return NULL;
}

static void catalog_json(const char *dir)
{
    OK(put(dir, "c/001_tables.sql",
           "CREATE TABLE users (id serial PRIMARY KEY, email varchar(200) NOT NULL, n numeric(10,2) DEFAULT 0,\n"
           "  seen timestamptz DEFAULT now(), tags text[], g int GENERATED ALWAYS AS (id * 2) STORED);\n"
           "CREATE SCHEMA app;\n"
           "CREATE TABLE app.users (id bigint);\n"
           "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
           "ALTER TYPE mood ADD VALUE 'happy' BEFORE 'ok';\n"
           "CREATE INDEX ON users (lower(email));\n"
           "CREATE INDEX users_seen_partial ON users (seen) WHERE seen IS NOT NULL;\n"
           "CREATE TEMP TABLE scratch AS SELECT 1 AS x;\n"
           "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n"));
    OK(put(dir, "c/002_changes.sql",
           "ALTER TABLE users RENAME CONSTRAINT users_email_key TO users_email_uq;\n"
           "ALTER TABLE users DROP COLUMN seen;\n"
           "ALTER TABLE users ALTER COLUMN n DROP DEFAULT;\n"
           "ALTER TABLE users ADD CONSTRAINT users_n_check CHECK (n >= 0) NOT VALID;\n"));
    tst_result r;
    run_in(&r, dir, ARGV("catalog", "--format", "json", "c"));
    INT_EQ(r.exit_code, 0);
    json_error_t e;
    json_t *doc = json_loads(r.out ? r.out : "", 0, &e);
    OK(doc != NULL);
    STR_EQ(json_string_value(json_object_get(doc, "format")), "pgbelay-catalog/1");
    json_t *set = json_array_get(json_object_get(doc, "sets"), 0);
    INT_EQ(json_integer_value(json_object_get(set, "migrations")), 2);
    json_t *c = column_of(set, NULL, "users", "id");
    STR_EQ(json_string_value(json_object_get(json_object_get(c, "type"), "name")), "int4"); /* serial */
    OK(json_is_true(json_object_get(c, "not_null")) && json_is_true(json_object_get(c, "serial")));
    STR_EQ(json_string_value(json_object_get(json_object_get(c, "default"), "volatility")), "volatile");
    c = column_of(set, NULL, "users", "email");
    STR_EQ(json_string_value(json_object_get(json_object_get(c, "type"), "sql")), "varchar(200)");
    c = column_of(set, NULL, "users", "n");
    OK(json_is_null(json_object_get(c, "default")));
    c = column_of(set, NULL, "users", "tags");
    INT_EQ(json_integer_value(json_object_get(json_object_get(c, "type"), "array_dims")), 1);
    c = column_of(set, NULL, "users", "g");
    OK(json_is_true(json_object_get(c, "generated")) && json_is_null(json_object_get(c, "default")));
    OK(column_of(set, NULL, "users", "seen") == NULL);
    OK(column_of(set, "app", "users", "id") != NULL); /* app.users does not replace users */
    OK(named(set, "relations", "scratch") == NULL); /* temporary */
    OK(named(set, "indexes", "users_lower_idx") != NULL); /* PostgreSQL's name for it */
    OK(named(set, "indexes", "users_seen_partial") == NULL); /* went with its column */
    OK(named(set, "indexes", "users_email_uq") != NULL && named(set, "indexes", "users_email_key") == NULL);
    json_t *mood = named(set, "enums", "mood");
    STR_EQ(json_string_value(json_array_get(json_object_get(mood, "values"), 1)), "happy");
    OK(named(set, "sequences", "users_id_seq") != NULL);
    json_decref(doc);
    tst_result_free(&r);

    /* a file: the catalog after that migration */
    run_in(&r, dir, ARGV("catalog", "c/001_tables.sql"));
    INT_EQ(r.exit_code, 0);
    OK(has(&r, "  column seen timestamptz DEFAULT\n") && has(&r, "constraint users_email_key UNIQUE (email)\n"));
    OK(has(&r, "-- c/001_tables.sql (plain, 1 migrations)\n") && has(&r, "\nschema app\n"));
    tst_result_free(&r);
    run_in(&r, dir, ARGV("catalog", "c/002_changes.sql"));
    OK(has(&r, "  constraint users_n_check CHECK (n) NOT VALID\n"));
    tst_result_free(&r);
}

void test_claims(void)
{
    if (!T.pgbelay) {
        CHECK_(false, "claims: --pgbelay PATH is required");
        return;
    }
    char dir[PATH_MAX];
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/pgbelay-claims-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        return;
    }
    facts_claims(dir);
    facts_errors(dir);
    catalog_json(dir);
    rm_rf(dir);
}
