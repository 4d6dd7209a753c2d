/* Framework writers (src/framework/write.c): every supported tool renders a
 * small plan, writes it into a temporary directory, and pgbelay's own
 * reader loads it back with detection on: same tool, same order, the same
 * up and down statements, the intended transaction mode for every part.
 * Also golden texts, version numbering, and the write refusals. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "framework/framework.h"
#include "framework/write.h"
#include "parse/parse.h"
#include "test.h"

#define NOW 1700000000 /* 2023-11-14 22:13:20 UTC */

/* ---- the plan used throughout ---------------------------------------------------------- */

static const char *p1_up[] = {"ALTER TABLE t ADD COLUMN c integer;",
                              "CREATE TABLE u (id bigint PRIMARY KEY);"};
static const char *p1_down[] = {"DROP TABLE u;", "ALTER TABLE t DROP COLUMN c;"};
static const char *p2_up[] = {"SET lock_timeout = '5s';",
                              "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);"};
static const char *p2_down[] = {"DROP INDEX CONCURRENTLY IF EXISTS i;"};
static const char *p3_up[] = {"CREATE PROCEDURE backfill_c()\n"
                              "LANGUAGE plpgsql\n"
                              "AS $$\n"
                              "BEGIN\n"
                              "    UPDATE t SET c = 0 WHERE c IS NULL;\n"
                              "    COMMIT;\n"
                              "END\n"
                              "$$;"};

static const pb_phase_spec plan3[] = {
    {"expand_alpha", "Expand: add t.c and the table u.\nSafe while the old code runs.", p1_up, 2, p1_down, 2,
     true},
    {"index_beta", "Build the index without blocking writes.", p2_up, 2, p2_down, 1, false},
    {"proc_gamma", NULL, p3_up, 1, NULL, 0, true},
};
/* phases 1 and 3 only: for the tools that cannot run phase 2 */
static const pb_phase_spec plan_tx[] = {plan3[0], plan3[2]};

static const char *raise_text = "DO $$ BEGIN RAISE EXCEPTION 'pgbelay: the phase proc_gamma cannot be rolled "
                                "back'; END $$";

/* ---- temporary directories ------------------------------------------------------------- */

static bool make_tmpdir(char *dir, size_t cap)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, cap, "%s/pgbelay-write-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(dir) != NULL;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("SELECT 1;\n", f);
        fclose(f);
    }
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---- statements of a loaded part ------------------------------------------------------- */

/* White space runs become one space; a trailing ';' goes. */
static const char *norm(pb_arena *a, const char *s, size_t n)
{
    char *o = pb_arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
            if (k && o[k - 1] != ' ')
                o[k++] = ' ';
        } else {
            o[k++] = s[i];
        }
    }
    while (k && (o[k - 1] == ' ' || o[k - 1] == ';'))
        k--;
    o[k] = '\0';
    return o;
}

typedef struct stmts {
    const char **v;
    size_t n;
} stmts;

static void stmts_push(pb_arena *a, stmts *s, const char *x)
{
    const char **v = pb_arena_alloc(a, (s->n + 1) * sizeof *v);
    if (s->n)
        memcpy(v, s->v, s->n * sizeof *v);
    v[s->n++] = x;
    s->v = v;
}

/* The statements PostgreSQL would see in `p`: the text with the reader's
 * template and erase regions applied, parsed with the real parser. */
static stmts part_statements(pb_arena *a, const pb_part *p, const char *what)
{
    stmts s = {0};
    char *t = pb_arena_alloc(a, p->src->len + 1);
    memcpy(t, p->src->text, p->src->len + 1);
    for (size_t i = 0; i < p->nopaque; i++)
        memset(t + p->opaque[i].start, 'x', p->opaque[i].end - p->opaque[i].start);
    for (size_t i = 0; i < p->nerase; i++)
        memset(t + p->erase[i].start, p->erase[i].fill, p->erase[i].end - p->erase[i].start);
    pb_parse_result r;
    INT_EQ(pb_parse_range(a, t, p->start, p->end, &r), PB_OK);
    CHECK_(r.nerrors == 0, "%s: syntax error in %s: %s", what, p->src->path,
           r.nerrors ? r.errors[0].message : "");
    for (size_t i = 0; i < r.nstmts; i++)
        stmts_push(a, &s, norm(a, t + r.stmts[i].start, r.stmts[i].end - r.stmts[i].start));
    return s;
}

/* goose and sql-migrate split a part themselves: a statement ends at a line
 * whose last word (before a "--" comment) ends in ';', or at StatementEnd
 * when StatementBegin opened it (pressly/goose internal/sqlparser,
 * rubenv/sql-migrate sqlparse). Each piece they would send must be exactly
 * one statement. */
static void check_tool_split(pb_arena *a, const pb_part *p, const char *marker, const char *what)
{
    const char *t = p->src->text;
    char begin[64], end[64];
    snprintf(begin, sizeof begin, "%s StatementBegin", marker);
    snprintf(end, sizeof end, "%s StatementEnd", marker);
    pb_buf piece = {0};
    bool block = false;
    for (uint32_t i = p->start; i < p->end;) {
        uint32_t e = i;
        while (e < p->end && t[e] != '\n')
            e++;
        size_t n = e - i;
        bool flush = false;
        if (n >= strlen(begin) && !strncmp(t + i, begin, strlen(begin))) {
            block = true;
        } else if (n >= strlen(end) && !strncmp(t + i, end, strlen(end))) {
            block = false;
            flush = true;
        } else if (n >= 2 && t[i] == '-' && t[i + 1] == '-') {
            /* a comment line: dropped */
        } else {
            pb_buf_append(&piece, t + i, n);
            pb_buf_putc(&piece, '\n');
            const char *last = NULL;
            size_t k = i, lastn = 0;
            while (k < e) { /* the last word before a -- comment */
                while (k < e && (t[k] == ' ' || t[k] == '\t'))
                    k++;
                size_t w = k;
                while (k < e && t[k] != ' ' && t[k] != '\t')
                    k++;
                if (k == w || (k - w >= 2 && t[w] == '-' && t[w + 1] == '-'))
                    break;
                last = t + w, lastn = k - w;
            }
            flush = !block && last && last[lastn - 1] == ';';
        }
        if (flush && piece.len) {
            char *text = pb_arena_strndup(a, piece.data, piece.len);
            pb_parse_result r;
            INT_EQ(pb_parse_range(a, text, 0, piece.len, &r), PB_OK);
            CHECK_(r.nerrors == 0 && r.nstmts == 1,
                   "%s: the tool would send \"%s\" (%zu statements, %zu errors)", what, text, r.nstmts,
                   r.nerrors);
            piece.len = 0;
        }
        i = e < p->end ? e + 1 : e;
    }
    CHECK_(!block, "%s: StatementBegin without StatementEnd", what);
    pb_buf_release(&piece);
}

static bool is_word(const char *s, const char *w)
{
    return strcasecmp(s, w) == 0;
}

/* ---- the round trip -------------------------------------------------------------------- */

typedef enum down_kind {
    DK_NONE,  /* the tool has no down parts: the rollback is a comment */
    DK_RAISE, /* a phase without rollback gets a down part that fails */
    DK_OMIT,  /* a phase without rollback gets no down part; the tool refuses on its own */
} down_kind;

typedef struct tool_case {
    pb_framework fw;
    pb_framework detected; /* what detection says */
    down_kind dk;
    size_t steps[3]; /* migrations for each phase of the plan (0: one) */
} tool_case;

/* Checks the transaction mode of a part against the phase's intent, and
 * strips an explicit BEGIN ... COMMIT pair. */
static stmts check_tx(pb_arena *a, const pb_part *p, bool tx, stmts s, const char *what)
{
    bool wrapped_here = s.n >= 2 && is_word(s.v[0], "BEGIN") && is_word(s.v[s.n - 1], "COMMIT");
    if (tx) { /* a single statement is atomic on its own */
        CHECK_(p->tx == PB_TX_WRAPPED || wrapped_here || s.n <= 1,
               "%s: a transactional part runs as %s without BEGIN/COMMIT", what, pb_tx_mode_name(p->tx));
    } else {
        CHECK_((p->tx == PB_TX_NONE && !wrapped_here) || (p->tx == PB_TX_ONE_QUERY && s.n <= 1),
               "%s: a non-transactional part runs as %s with %zu statements", what, pb_tx_mode_name(p->tx),
               s.n);
    }
    if (wrapped_here) {
        s.v++;
        s.n -= 2;
    }
    (void)a;
    return s;
}

static void expect_statements(stmts got, const char *const *want, size_t n, const char *what)
{
    CHECK_(got.n == n, "%s: %zu statements, want %zu", what, got.n, n);
    for (size_t i = 0; i < got.n && i < n; i++) {
        pb_arena *a = pb_arena_new();
        const char *w = norm(a, want[i], strlen(want[i]));
        CHECK_(!strcmp(got.v[i], w), "%s: statement %zu is \"%s\", want \"%s\"", what, i + 1, got.v[i], w);
        pb_arena_free(a);
    }
}

/* Renders `phases` for the tool, writes them, loads them back. */
static void round_trip(const tool_case *tc, const pb_phase_spec *phases, size_t n)
{
    const char *name = pb_framework_name(tc->fw);
    char tmp[256];
    if (!make_tmpdir(tmp, sizeof tmp)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        return;
    }
    pb_arena *a = pb_arena_new();
    const char *dir = pb_arena_sprintf(a, "%s/db/migrations", tmp);
    pb_out_file *out;
    size_t nout;
    const char *err;
    bool ok = pb_framework_render(a, tc->fw, dir, phases, n, NOW, &out, &nout, &err);
    CHECK_(ok, "%s: render: %s", name, err ? err : "");
    if (!ok)
        goto done;
    ok = pb_framework_write_files(a, dir, out, nout, &err);
    CHECK_(ok, "%s: write: %s", name, err ? err : "");
    if (!ok)
        goto done;
    const char **paths = pb_arena_alloc(a, nout * sizeof *paths);
    size_t np = 0;
    for (size_t i = 0; i < nout; i++) {
        size_t len = strlen(out[i].path);
        CHECK_(len && out[i].content[strlen(out[i].content) - 1] == '\n',
               "%s: %s does not end with a newline", name, out[i].path);
        if (len > 4 && !strcmp(out[i].path + len - 4, ".sql"))
            paths[np++] = pb_arena_sprintf(a, "%s/%s", dir, out[i].path);
    }

    pb_migration_set set;
    pb_framework_load(a, NULL, paths, np, true, PB_FW_PLAIN, &set);
    CHECK_(set.framework == tc->detected, "%s: read back as %s", name, pb_framework_name(set.framework));
    if (set.framework != tc->fw) /* refinery reads as Flyway unless named */
        pb_framework_load(a, NULL, paths, np, false, tc->fw, &set);
    for (size_t i = 0; i < set.nproblems; i++)
        CHECK_(false, "%s: problem in %s: %s", name, set.problems[i].src ? set.problems[i].src->path : "-",
               set.problems[i].message);
    INT_EQ(set.nunloaded, 0);

    stmts *ups = pb_arena_alloc(a, n * sizeof *ups), *downs = pb_arena_alloc(a, n * sizeof *downs);
    size_t *count = pb_arena_alloc(a, n * sizeof *count);
    size_t last = 0;
    for (size_t k = 0; k < set.len; k++) {
        pb_migration *m = set.items[k];
        INT_EQ(m->rank, 0);
        size_t ph = n;
        for (size_t i = 0; i < n; i++)
            if (strstr(m->name, phases[i].slug))
                ph = i;
        CHECK_(ph < n, "%s: migration '%s' belongs to no phase", name, m->name);
        if (ph == n)
            continue;
        CHECK_(ph >= last, "%s: migration '%s' comes after a later phase", name, m->name);
        last = ph;
        count[ph]++;
        const char *what = pb_arena_sprintf(a, "%s %s up", name, m->name);
        const char *marker = tc->fw == PB_FW_GOOSE         ? "-- +goose"
                             : tc->fw == PB_FW_SQL_MIGRATE ? "-- +migrate"
                                                           : NULL;
        if (marker) {
            check_tool_split(a, m->up, marker, what);
            if (m->down)
                check_tool_split(a, m->down, marker, pb_arena_sprintf(a, "%s %s down", name, m->name));
        }
        stmts s = check_tx(a, m->up, phases[ph].transactional, part_statements(a, m->up, what), what);
        for (size_t i = 0; i < s.n; i++)
            stmts_push(a, &ups[ph], s.v[i]);
        if (tc->dk == DK_NONE)
            CHECK_(!m->down, "%s: %s has a down part", name, m->name);
        if (!m->down)
            continue;
        what = pb_arena_sprintf(a, "%s %s down", name, m->name);
        s = check_tx(a, m->down, phases[ph].transactional, part_statements(a, m->down, what), what);
        /* steps are rolled back last to first */
        stmts merged = {0};
        for (size_t i = 0; i < s.n; i++)
            stmts_push(a, &merged, s.v[i]);
        for (size_t i = 0; i < downs[ph].n; i++)
            stmts_push(a, &merged, downs[ph].v[i]);
        downs[ph] = merged;
    }
    for (size_t i = 0; i < n; i++) {
        const pb_phase_spec *p = &phases[i];
        const char *what = pb_arena_sprintf(a, "%s %s", name, p->slug);
        expect_statements(ups[i], p->up, p->nup, pb_arena_sprintf(a, "%s up", what));
        size_t want = i < 3 && tc->steps[i] ? tc->steps[i] : 1;
        CHECK_(count[i] == want, "%s: %zu migrations, want %zu", what, count[i], want);
        if (tc->dk == DK_NONE)
            continue;
        if (p->ndown)
            expect_statements(downs[i], p->down, p->ndown, pb_arena_sprintf(a, "%s down", what));
        else if (tc->dk == DK_RAISE)
            expect_statements(downs[i], &raise_text, 1, pb_arena_sprintf(a, "%s down", what));
        else
            CHECK_(downs[i].n == 0, "%s: a down part for a phase without rollback", what);
    }
    if (tc->dk == DK_NONE) /* the rollback is said in a comment */
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < phases[i].ndown; j++) {
                const char *line = pb_arena_sprintf(a, "--   %s\n", phases[i].down[j]);
                bool said = false;
                for (size_t f = 0; f < nout; f++)
                    said |= strstr(out[f].content, line) != NULL;
                CHECK_(said, "%s: the rollback of %s is not in a comment", name, phases[i].slug);
            }
done:
    pb_arena_free(a);
    remove_tree(tmp);
}

/* Non-transactional phases that stress the split rules: a dollar-quoted
 * statement among others (Liquibase needs splitStatements:false, one
 * statement per changeset), and more rollback statements than deploy
 * statements (a step that only holds a rollback). */
static const char *p4_up[] = {"SET lock_timeout = '5s';", "DO $$ BEGIN PERFORM 1; END $$;",
                              "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);"};
static const char *p4_down[] = {"DROP INDEX CONCURRENTLY IF EXISTS i;", "DO $$ BEGIN PERFORM 2; END $$;"};
static const char *p5_up[] = {"CREATE INDEX CONCURRENTLY IF NOT EXISTS j ON t (c);"};
static const char *p5_down[] = {"SET lock_timeout = '5s';", "DROP INDEX CONCURRENTLY IF EXISTS j;"};
static const pb_phase_spec plan_split[] = {
    {"dollar_delta", "A body among others.", p4_up, 3, p4_down, 2, false},
    {"undo_heavy", NULL, p5_up, 1, p5_down, 2, false},
};

static void round_trips(void)
{
    static const tool_case all[] = {
        {PB_FW_PLAIN, PB_FW_PLAIN, DK_NONE, {0}},
        {PB_FW_GOLANG_MIGRATE, PB_FW_GOLANG_MIGRATE, DK_RAISE, {1, 2, 1}},
        {PB_FW_GOOSE, PB_FW_GOOSE, DK_RAISE, {0}},
        {PB_FW_DBMATE, PB_FW_DBMATE, DK_RAISE, {1, 2, 1}},
        {PB_FW_SQL_MIGRATE, PB_FW_SQL_MIGRATE, DK_RAISE, {0}},
        {PB_FW_SQLX, PB_FW_SQLX, DK_RAISE, {1, 2, 1}},
        {PB_FW_DIESEL, PB_FW_DIESEL, DK_RAISE, {1, 2, 1}},
        {PB_FW_FLYWAY, PB_FW_FLYWAY, DK_OMIT, {1, 2, 1}},
        {PB_FW_LIQUIBASE, PB_FW_LIQUIBASE, DK_OMIT, {0}},
        {PB_FW_PRISMA, PB_FW_PRISMA, DK_NONE, {1, 2, 1}},
        {PB_FW_ATLAS, PB_FW_ATLAS, DK_NONE, {0}},
        {PB_FW_TERN, PB_FW_TERN, DK_OMIT, {0}},
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        round_trip(&all[i], plan3, 3);
    /* refinery (no per-file opt-out) and node-pg-migrate (SQL migrations
       always in a transaction) take the transactional phases only;
       refinery's V<n>__ names read as Flyway unless the tool is named */
    static const tool_case tx_only[] = {
        {PB_FW_REFINERY, PB_FW_FLYWAY, DK_NONE, {0}},
        {PB_FW_NODE_PG_MIGRATE, PB_FW_NODE_PG_MIGRATE, DK_RAISE, {0}},
    };
    for (size_t i = 0; i < sizeof tx_only / sizeof tx_only[0]; i++) {
        round_trip(&tx_only[i], plan_tx, 2);
        pb_arena *a = pb_arena_new();
        pb_out_file *out;
        size_t nout;
        const char *err = NULL;
        OK(!pb_framework_render(a, tx_only[i].fw, "/nonexistent/pgbelay", plan3, 3, NOW, &out, &nout, &err));
        OK(err && strstr(err, "the phase 'index_beta' must run outside a transaction block"));
        pb_arena_free(a);
    }
    static const tool_case split[] = {
        {PB_FW_PLAIN, PB_FW_PLAIN, DK_NONE, {0}},
        {PB_FW_GOLANG_MIGRATE, PB_FW_GOLANG_MIGRATE, DK_RAISE, {3, 2}},
        {PB_FW_GOOSE, PB_FW_GOOSE, DK_RAISE, {0}},
        {PB_FW_DBMATE, PB_FW_DBMATE, DK_RAISE, {3, 2}},
        {PB_FW_SQL_MIGRATE, PB_FW_SQL_MIGRATE, DK_RAISE, {0}},
        {PB_FW_SQLX, PB_FW_SQLX, DK_RAISE, {3, 2}},
        {PB_FW_DIESEL, PB_FW_DIESEL, DK_RAISE, {3, 2}},
        {PB_FW_FLYWAY, PB_FW_FLYWAY, DK_OMIT, {3, 2}},
        {PB_FW_LIQUIBASE, PB_FW_LIQUIBASE, DK_OMIT, {3, 1}},
        {PB_FW_PRISMA, PB_FW_PRISMA, DK_NONE, {3, 2}},
        {PB_FW_ATLAS, PB_FW_ATLAS, DK_NONE, {0}},
        {PB_FW_TERN, PB_FW_TERN, DK_OMIT, {0}},
    };
    for (size_t i = 0; i < sizeof split / sizeof split[0]; i++)
        round_trip(&split[i], plan_split, 2);
}

/* ---- golden texts ---------------------------------------------------------------------- */

static const pb_out_file *find_out(const pb_out_file *out, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(out[i].path, path))
            return &out[i];
    return NULL;
}

static void golden_file(const pb_out_file *out, size_t n, const char *path, const char *want)
{
    const pb_out_file *f = find_out(out, n, path);
    CHECK_(f != NULL, "no file %s", path);
    if (f)
        STR_EQ(f->content, want);
}

static void goldens(void)
{
    pb_arena *a = pb_arena_new();
    pb_out_file *out;
    size_t n;
    const char *err;

    OK(pb_framework_render(a, PB_FW_GOOSE, "/nonexistent/pgbelay", plan3, 3, NOW, &out, &n, &err));
    INT_EQ(n, 3);
    golden_file(out, n, "20231114221320_expand_alpha.sql",
                "-- Expand: add t.c and the table u.\n"
                "-- Safe while the old code runs.\n"
                "\n"
                "-- +goose Up\n"
                "ALTER TABLE t ADD COLUMN c integer;\n"
                "\n"
                "CREATE TABLE u (id bigint PRIMARY KEY);\n"
                "\n"
                "-- +goose Down\n"
                "DROP TABLE u;\n"
                "\n"
                "ALTER TABLE t DROP COLUMN c;\n");
    golden_file(out, n, "20231114221321_index_beta.sql",
                "-- Build the index without blocking writes.\n"
                "\n"
                "-- +goose NO TRANSACTION\n"
                "-- +goose Up\n"
                "SET lock_timeout = '5s';\n"
                "\n"
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);\n"
                "\n"
                "-- +goose Down\n"
                "DROP INDEX CONCURRENTLY IF EXISTS i;\n");
    golden_file(out, n, "20231114221322_proc_gamma.sql",
                "-- This phase cannot be rolled back: its down part fails on purpose.\n"
                "\n"
                "-- +goose Up\n"
                "-- +goose StatementBegin\n"
                "CREATE PROCEDURE backfill_c()\n"
                "LANGUAGE plpgsql\n"
                "AS $$\n"
                "BEGIN\n"
                "    UPDATE t SET c = 0 WHERE c IS NULL;\n"
                "    COMMIT;\n"
                "END\n"
                "$$;\n"
                "-- +goose StatementEnd\n"
                "\n"
                "-- +goose Down\n"
                "-- +goose StatementBegin\n"
                "DO $$ BEGIN RAISE EXCEPTION 'pgbelay: the phase proc_gamma cannot be rolled back'; END $$;\n"
                "-- +goose StatementEnd\n");

    OK(pb_framework_render(a, PB_FW_GOLANG_MIGRATE, "/nonexistent/pgbelay", plan3, 3, NOW, &out, &n, &err));
    INT_EQ(n, 8);
    golden_file(out, n, "20231114221320_expand_alpha.up.sql",
                "-- Expand: add t.c and the table u.\n"
                "-- Safe while the old code runs.\n"
                "\n"
                "BEGIN;\n"
                "\n"
                "ALTER TABLE t ADD COLUMN c integer;\n"
                "\n"
                "CREATE TABLE u (id bigint PRIMARY KEY);\n"
                "\n"
                "COMMIT;\n");
    golden_file(out, n, "20231114221321_index_beta_1.up.sql",
                "-- Build the index without blocking writes.\n"
                "-- Step 1 of 2 of index_beta. golang-migrate sends each migration as one query\n"
                "-- string, which PostgreSQL runs as one transaction when it holds several\n"
                "-- statements, so each statement that must run outside a transaction block has a\n"
                "-- migration of its own.\n"
                "\n"
                "SET lock_timeout = '5s';\n");
    golden_file(out, n, "20231114221321_index_beta_1.down.sql",
                "-- Build the index without blocking writes.\n"
                "-- Step 1 of 2 of index_beta. golang-migrate sends each migration as one query\n"
                "-- string, which PostgreSQL runs as one transaction when it holds several\n"
                "-- statements, so each statement that must run outside a transaction block has a\n"
                "-- migration of its own.\n"
                "\n"
                "-- Nothing to undo in this step: the other steps of the phase undo it.\n");
    golden_file(out, n, "20231114221322_index_beta_2.down.sql",
                "-- Build the index without blocking writes.\n"
                "-- Step 2 of 2 of index_beta. golang-migrate sends each migration as one query\n"
                "-- string, which PostgreSQL runs as one transaction when it holds several\n"
                "-- statements, so each statement that must run outside a transaction block has a\n"
                "-- migration of its own.\n"
                "\n"
                "DROP INDEX CONCURRENTLY IF EXISTS i;\n");
    golden_file(
        out, n, "20231114221323_proc_gamma.down.sql",
        "-- This phase cannot be rolled back: this down migration fails on purpose.\n"
        "\n"
        "DO $$ BEGIN RAISE EXCEPTION 'pgbelay: the phase proc_gamma cannot be rolled back'; END $$;\n");

    OK(pb_framework_render(a, PB_FW_LIQUIBASE, "/nonexistent/pgbelay", plan3, 3, NOW, &out, &n, &err));
    INT_EQ(n, 3);
    golden_file(out, n, "20231114221321_index_beta.sql",
                "--liquibase formatted sql\n"
                "-- Build the index without blocking writes.\n"
                "-- The master changelog must include this file (include or includeAll): Liquibase\n"
                "-- runs only the changelogs it includes.\n"
                "\n"
                "--changeset pgbelay:20231114221321_index_beta runInTransaction:false\n"
                "SET lock_timeout = '5s';\n"
                "\n"
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);\n"
                "--rollback DROP INDEX CONCURRENTLY IF EXISTS i;\n");
    golden_file(out, n, "20231114221322_proc_gamma.sql",
                "--liquibase formatted sql\n"
                "-- The master changelog must include this file (include or includeAll): Liquibase\n"
                "-- runs only the changelogs it includes.\n"
                "-- This phase cannot be rolled back: its changesets have no rollback, so Liquibase\n"
                "-- refuses to roll them back.\n"
                "\n"
                "--changeset pgbelay:20231114221322_proc_gamma splitStatements:false\n"
                "CREATE PROCEDURE backfill_c()\n"
                "LANGUAGE plpgsql\n"
                "AS $$\n"
                "BEGIN\n"
                "    UPDATE t SET c = 0 WHERE c IS NULL;\n"
                "    COMMIT;\n"
                "END\n"
                "$$;\n");

    OK(pb_framework_render(a, PB_FW_FLYWAY, "/nonexistent/pgbelay", plan3, 3, NOW, &out, &n, &err));
    golden_file(out, n, "V3__index_beta_2.sql.conf", "executeInTransaction=false\n");
    golden_file(out, n, "U3__index_beta_2.sql.conf", "executeInTransaction=false\n");
    golden_file(out, n, "U1__expand_alpha.sql",
                "-- Expand: add t.c and the table u.\n"
                "-- Safe while the old code runs.\n"
                "\n"
                "DROP TABLE u;\n"
                "\n"
                "ALTER TABLE t DROP COLUMN c;\n");
    OK(find_out(out, n, "V1__expand_alpha.sql.conf") == NULL);
    OK(find_out(out, n, "U4__proc_gamma.sql") == NULL);

    OK(pb_framework_render(a, PB_FW_DIESEL, "/nonexistent/pgbelay", plan3, 3, NOW, &out, &n, &err));
    golden_file(out, n, "2023-11-14-221321_index_beta_1/metadata.toml", "run_in_transaction = false\n");
    OK(find_out(out, n, "2023-11-14-221320_expand_alpha/metadata.toml") == NULL);

    /* header comments never read as markers; placeholders stay literal */
    static const char *one[] = {"SELECT '${x}';"};
    const pb_phase_spec tricky = {
        "tricky", "-- +goose Down\nmigrate:down\nchangeset a:b\nrollback x\nUp Migration\n${x} {{ .y }}",
        one,      1,
        one,      1,
        true};
    OK(pb_framework_render(a, PB_FW_FLYWAY, "/nonexistent/pgbelay", &tricky, 1, NOW, &out, &n, &err));
    golden_file(out, n, "V1__tricky.sql",
                "-- > -- +goose Down\n"
                "-- > migrate:down\n"
                "-- > changeset a:b\n"
                "-- > rollback x\n"
                "-- > Up Migration\n"
                "-- $ {x} { { .y }}\n"
                "\n"
                "SELECT '${x}';\n");
    golden_file(out, n, "V1__tricky.sql.conf", "placeholderReplacement=false\n");
    pb_arena_free(a);
}

/* ---- refusals of the renderer ---------------------------------------------------------- */

static void render_refusals(void)
{
    pb_arena *a = pb_arena_new();
    pb_out_file *out;
    size_t n;
    const char *err = NULL;
    OK(!pb_framework_render(a, PB_FW_SQITCH, "/nonexistent/pgbelay", plan3, 3, NOW, &out, &n, &err));
    STR_EQ(err, "writing sqitch migrations is not supported yet; use --framework plain");
    OK(!pb_framework_render(a, PB_FW_GRAPHILE_MIGRATE, "/nonexistent/pgbelay", plan3, 3, NOW, &out, &n,
                            &err));
    STR_EQ(err, "writing graphile-migrate migrations is not supported yet; use --framework plain");
    pb_phase_spec bad = plan3[0];
    bad.slug = "Add-Index";
    OK(!pb_framework_render(a, PB_FW_GOOSE, "/nonexistent/pgbelay", &bad, 1, NOW, &out, &n, &err));
    OK(err && strstr(err, "invalid phase name 'Add-Index'"));
    bad = plan3[0];
    bad.nup = 0;
    OK(!pb_framework_render(a, PB_FW_GOOSE, "/nonexistent/pgbelay", &bad, 1, NOW, &out, &n, &err));
    OK(err && strstr(err, "has no statements"));
    pb_arena_free(a);
}

/* ---- versions continue the directory's numbering --------------------------------------- */

/* Renders plan_tx (two phases) for `fw` into `dir` and returns the paths. */
static void expect_paths(pb_framework fw, const char *dir, const char *want1, const char *want2)
{
    pb_arena *a = pb_arena_new();
    pb_out_file *out;
    size_t n;
    const char *err = NULL;
    bool ok = pb_framework_render(a, fw, dir, plan_tx, 2, NOW, &out, &n, &err);
    CHECK_(ok, "%s: %s", pb_framework_name(fw), err ? err : "");
    if (ok) {
        CHECK_(find_out(out, n, want1) != NULL, "%s: no %s (first is %s)", pb_framework_name(fw), want1,
               n ? out[0].path : "-");
        CHECK_(find_out(out, n, want2) != NULL, "%s: no %s", pb_framework_name(fw), want2);
    }
    pb_arena_free(a);
}

static void versions(void)
{
    char tmp[256];
    if (!make_tmpdir(tmp, sizeof tmp)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        return;
    }
    char d[512], f[768];
    /* defaults in an empty (missing) directory */
    snprintf(d, sizeof d, "%s/none", tmp);
    expect_paths(PB_FW_GOOSE, d, "20231114221320_expand_alpha.sql", "20231114221321_proc_gamma.sql");
    expect_paths(PB_FW_SQL_MIGRATE, d, "20231114221320-expand_alpha.sql", "20231114221321-proc_gamma.sql");
    expect_paths(PB_FW_FLYWAY, d, "V1__expand_alpha.sql", "V2__proc_gamma.sql");
    expect_paths(PB_FW_REFINERY, d, "V1__expand_alpha.sql", "V2__proc_gamma.sql");
    expect_paths(PB_FW_DIESEL, d, "2023-11-14-221320_expand_alpha/up.sql",
                 "2023-11-14-221321_proc_gamma/up.sql");
    expect_paths(PB_FW_PRISMA, d, "20231114221320_expand_alpha/migration.sql",
                 "20231114221321_proc_gamma/migration.sql");
    expect_paths(PB_FW_TERN, d, "001_expand_alpha.sql", "002_proc_gamma.sql");
    expect_paths(PB_FW_NODE_PG_MIGRATE, d, "1700000000000_expand_alpha.sql", "1700000001000_proc_gamma.sql");
    expect_paths(PB_FW_SQLX, d, "20231114221320_expand_alpha.up.sql", "20231114221321_proc_gamma.down.sql");

    /* sequential numbers keep their width */
    snprintf(d, sizeof d, "%s/seq", tmp);
    mkdir(d, 0777);
    snprintf(f, sizeof f, "%s/00005_a.sql", d), touch(f);
    snprintf(f, sizeof f, "%s/00012_b.sql", d), touch(f);
    snprintf(f, sizeof f, "%s/README.md", d), touch(f);
    expect_paths(PB_FW_GOOSE, d, "00013_expand_alpha.sql", "00014_proc_gamma.sql");
    expect_paths(PB_FW_GOLANG_MIGRATE, d, "00013_expand_alpha.up.sql", "00014_proc_gamma.down.sql");

    /* a timestamp later than now: one second after it */
    snprintf(d, sizeof d, "%s/future", tmp);
    mkdir(d, 0777);
    snprintf(f, sizeof f, "%s/20991231235959_future.sql", d), touch(f);
    snprintf(f, sizeof f, "%s/20200101000000_past.sql", d), touch(f);
    expect_paths(PB_FW_DBMATE, d, "21000101000000_expand_alpha.sql", "21000101000001_proc_gamma.sql");
    /* an older one: now */
    snprintf(d, sizeof d, "%s/past", tmp);
    mkdir(d, 0777);
    snprintf(f, sizeof f, "%s/20200101000000_past.sql", d), touch(f);
    expect_paths(PB_FW_ATLAS, d, "20231114221320_expand_alpha.sql", "20231114221321_proc_gamma.sql");

    /* Flyway dotted versions: the last part goes up (1_10 > 1_2) */
    snprintf(d, sizeof d, "%s/flyway", tmp);
    mkdir(d, 0777);
    snprintf(f, sizeof f, "%s/V1_2__a.sql", d), touch(f);
    snprintf(f, sizeof f, "%s/V1_10__b.sql", d), touch(f);
    snprintf(f, sizeof f, "%s/R__views.sql", d), touch(f);
    expect_paths(PB_FW_FLYWAY, d, "V1_11__expand_alpha.sql", "V1_12__proc_gamma.sql");

    /* diesel: its setup folder (version 0) and a later migration */
    snprintf(d, sizeof d, "%s/diesel", tmp);
    mkdir(d, 0777);
    snprintf(f, sizeof f, "%s/00000000000000_diesel_initial_setup", d), mkdir(f, 0777);
    snprintf(f, sizeof f, "%s/2024-01-02-030405_x", d), mkdir(f, 0777);
    expect_paths(PB_FW_DIESEL, d, "2024-01-02-030406_expand_alpha/up.sql",
                 "2024-01-02-030407_proc_gamma/up.sql");

    /* tern goes on from the last number; sql-migrate keeps its separator */
    snprintf(d, sizeof d, "%s/tern", tmp);
    mkdir(d, 0777);
    snprintf(f, sizeof f, "%s/001_a.sql", d), touch(f);
    snprintf(f, sizeof f, "%s/002_b.sql", d), touch(f);
    expect_paths(PB_FW_TERN, d, "003_expand_alpha.sql", "004_proc_gamma.sql");
    expect_paths(PB_FW_SQL_MIGRATE, d, "003_expand_alpha.sql", "004_proc_gamma.sql");
    /* node-pg-migrate millisecond timestamps */
    snprintf(d, sizeof d, "%s/npm", tmp);
    mkdir(d, 0777);
    snprintf(f, sizeof f, "%s/1800000000000_later.sql", d), touch(f);
    expect_paths(PB_FW_NODE_PG_MIGRATE, d, "1800000001000_expand_alpha.sql", "1800000002000_proc_gamma.sql");

    /* sqlx: a directory of simple migrations gets simple migrations */
    snprintf(d, sizeof d, "%s/sqlx", tmp);
    mkdir(d, 0777);
    snprintf(f, sizeof f, "%s/20230101000000_a.sql", d), touch(f);
    expect_paths(PB_FW_SQLX, d, "20231114221320_expand_alpha.sql", "20231114221321_proc_gamma.sql");

    /* an unreadable directory is an error, not an empty one */
    pb_arena *a = pb_arena_new();
    pb_out_file *out;
    size_t n;
    const char *err = NULL;
    snprintf(f, sizeof f, "%s/00005_a.sql", tmp);
    touch(f);
    OK(!pb_framework_render(a, PB_FW_GOOSE, f, plan_tx, 2, NOW, &out, &n, &err));
    OK(err && strstr(err, "cannot read the directory"));
    pb_arena_free(a);
    remove_tree(tmp);
}

/* ---- refusals of the writer ------------------------------------------------------------ */

static void write_refusals(void)
{
    char tmp[256];
    if (!make_tmpdir(tmp, sizeof tmp)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        return;
    }
    pb_arena *a = pb_arena_new();
    const char *err = NULL;
    char dir[512], outside[512], p[1024];
    snprintf(dir, sizeof dir, "%s/migrations", tmp);
    snprintf(outside, sizeof outside, "%s/outside", tmp);
    mkdir(dir, 0777);
    mkdir(outside, 0777);

    /* ../ and absolute paths: nothing is written, not even the good file */
    pb_out_file dotdot[] = {{"ok.sql", "SELECT 1;\n"}, {"../escape.sql", "SELECT 1;\n"}};
    OK(!pb_framework_write_files(a, dir, dotdot, 2, &err));
    OK(err && strstr(err, "'..'"));
    snprintf(p, sizeof p, "%s/ok.sql", dir);
    OK(!exists(p));
    snprintf(p, sizeof p, "%s/escape.sql", tmp);
    OK(!exists(p));
    pb_out_file sub_dotdot[] = {{"a/../../escape.sql", "x\n"}};
    OK(!pb_framework_write_files(a, dir, sub_dotdot, 1, &err));
    pb_out_file abs[] = {{"ok.sql", "SELECT 1;\n"}, {"/tmp/pgbelay-abs.sql", "SELECT 1;\n"}};
    OK(!pb_framework_write_files(a, dir, abs, 2, &err));
    OK(err && strstr(err, "absolute"));
    OK(!exists("/tmp/pgbelay-abs.sql"));
    pb_out_file twice[] = {{"a.sql", "1\n"}, {"a.sql", "2\n"}};
    OK(!pb_framework_write_files(a, dir, twice, 2, &err));

    /* a symbolic link below the directory that leads out of it */
    snprintf(p, sizeof p, "%s/evil", dir);
    OK(symlink(outside, p) == 0);
    pb_out_file via_link[] = {{"ok.sql", "SELECT 1;\n"}, {"evil/x.sql", "SELECT 1;\n"}};
    OK(!pb_framework_write_files(a, dir, via_link, 2, &err));
    OK(err && strstr(err, "symbolic link"));
    snprintf(p, sizeof p, "%s/x.sql", outside);
    OK(!exists(p));
    snprintf(p, sizeof p, "%s/ok.sql", dir);
    OK(!exists(p));
    /* ... or a link as the file itself */
    snprintf(p, sizeof p, "%s/link.sql", dir);
    char target[768];
    snprintf(target, sizeof target, "%s/target.sql", outside);
    OK(symlink(target, p) == 0);
    pb_out_file to_link[] = {{"link.sql", "SELECT 1;\n"}};
    OK(!pb_framework_write_files(a, dir, to_link, 1, &err));
    OK(!exists(target));

    /* an existing file is never overwritten */
    snprintf(p, sizeof p, "%s/exists.sql", dir);
    touch(p);
    pb_out_file clash[] = {{"new.sql", "SELECT 2;\n"}, {"exists.sql", "SELECT 2;\n"}};
    OK(!pb_framework_write_files(a, dir, clash, 2, &err));
    OK(err && strstr(err, "already exists"));
    snprintf(p, sizeof p, "%s/new.sql", dir);
    OK(!exists(p));

    /* a good batch: the directory and sub-directories are created */
    snprintf(p, sizeof p, "%s/fresh/db/migrations", tmp);
    pb_out_file good[] = {{"2024_x/up.sql", "SELECT 1;\n"}, {"2024_x/down.sql", "SELECT 2;\n"}};
    OK(pb_framework_write_files(a, p, good, 2, &err));
    char q[1200];
    snprintf(q, sizeof q, "%s/2024_x/down.sql", p);
    FILE *fp = fopen(q, "r");
    char buf[32] = {0};
    if (fp) {
        OK(fgets(buf, sizeof buf, fp) != NULL);
        fclose(fp);
    }
    STR_EQ(buf, "SELECT 2;\n");
    /* the same batch again: refused, the files stay as they were */
    OK(!pb_framework_write_files(a, p, good, 2, &err));
    pb_arena_free(a);
    remove_tree(tmp);
}

void test_write(void)
{
    round_trips();
    goldens();
    render_refusals();
    versions();
    write_refusals();
}
