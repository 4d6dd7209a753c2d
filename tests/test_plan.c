/* Plan proofs over every case of testdata/plan/ (each a directory with one
 * migration, planned against testdata/plan/seed.sql) and of
 * testdata/plan/e2e/ (migration.sql against the case's own seed.sql):
 *   - replaying the phases in order through pgbelay's catalog gives the
 *     catalog the original migration gives (helper triggers, functions and
 *     checks are gone by the end; indexes the plan adds on purpose, listed
 *     in pb_plan.added_indexes, are allowed), and every phase followed by
 *     its down part gives back the catalog from before the phase
 *     (constraint validity aside: a VALIDATE cannot be undone);
 *   - every generated statement (deploy and rollback) parses;
 *   - the phases, written as plain-SQL migrations and linted as a set with
 *     the same seed, give no finding at warning level or above, except the
 *     destructive-change rules on contract phases behind a deploy gate
 *     (the destruction is the point of those phases);
 *   - a plan exists exactly when the migration has risky statements. */
#define _GNU_SOURCE
#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "core/buf.h"
#include "source/source.h"
#include "framework/framework.h"
#include "framework/write.h"
#include "lint/lint.h"
#include "parse/deparse.h"
#include "plan/plan.h"
#include "rules/rule.h"
#include "test.h"

typedef struct results {
    pb_result *v;
    size_t n, cap;
} results;

static void collect(void *ud, pb_result *res)
{
    results *r = ud;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->v = realloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->n++] = *res;
}

static void free_results(results *r)
{
    for (size_t i = 0; i < r->n; i++)
        pb_result_free(&r->v[i]);
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* ---- catalog proof ----------------------------------------------------------------- */

typedef struct replay_ctx {
    const char *what;
    size_t errors;
} replay_ctx;

static void replay_error(void *ud, uint32_t offset, const char *message)
{
    replay_ctx *r = ud;
    r->errors++;
    CHECK_(false, "%s: does not parse at byte %u: %s", r->what, offset, message);
}

/* Replays SQL statements into `cat` as migration `mig`, as pgbelay replays
 * a migration file. */
static void replay_sql(pb_arena *a, pb_catalog *cat, const char *const *sql, size_t n, size_t mig,
                       const char *what)
{
    pb_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        pb_buf_puts(&b, sql[i]);
        pb_buf_putc(&b, '\n');
    }
    pb_source *src = pb_source_new(a, what, b.data ? b.data : "", b.len);
    pb_part *part = pb_framework__part(a, src, 0, (uint32_t)b.len, false, PB_TX_NONE, NULL);
    replay_ctx r = {what, 0};
    pb_lint__replay_part(part, cat, mig, replay_error, &r);
    pb_buf_release(&b);
}

/* Every constraint marked validated: undoing a VALIDATE CONSTRAINT is a
 * no-op by design (PostgreSQL cannot mark a constraint NOT VALID again),
 * so the rollback proof compares catalogs without validity. */
static void erase_validity(pb_catalog *cat)
{
    const pb_strmap *m = &cat->tables;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i] || !m->vals[i])
            continue;
        for (pb_cat_table *t = m->vals[i]; t; t = t->next_same_name)
            for (size_t k = 0; k < t->constraints.len; k++)
                ((pb_cat_constraint *)t->constraints.items[k])->validated = true;
    }
}

typedef struct diffs {
    const char *label;
    size_t n;
    const pb_plan *pl; /* final comparison: indexes the plan adds on purpose are expected */
} diffs;

static void on_diff(void *ud, const char *d)
{
    diffs *x = ud;
    for (size_t i = 0; x->pl && i < x->pl->nadded_indexes; i++) {
        char want[512];
        snprintf(want, sizeof want, "index \"%s\" is only in the second catalog", x->pl->added_indexes[i]);
        if (!strcmp(d, want))
            return;
    }
    if (++x->n <= 8)
        CHECK_(false, "%s: %s", x->label, d);
}

/* The catalog proof of a plan: replaying the phases in order through
 * pgbelay's catalog gives the catalog the original migration gives (the
 * plan's helper objects, triggers, functions, procedures and checks, are
 * gone by then), and each phase followed by its down part gives back the
 * catalog from before the phase. Returns the number of differences. */
static size_t prove_catalog(pb_arena *a, const char *name, const pb_catalog *start, const pb_migration *mig,
                            const pb_plan *pl)
{
    pb_catalog *naive = pb_catalog_clone(a, start);
    pb_lint__replay_part(mig->up, naive, 0, NULL, NULL);
    pb_catalog *cur = pb_catalog_clone(a, start);
    size_t total = 0;
    for (size_t i = 0; i < pl->nphases; i++) {
        const pb_phase *ph = &pl->phases[i];
        const char *what = pb_arena_sprintf(a, "plan %s phase %u", name, ph->number);
        if (ph->down) {
            pb_catalog *before = pb_catalog_clone(a, cur);
            pb_catalog *t = pb_catalog_clone(a, cur);
            replay_sql(a, t, ph->up, ph->nup, i + 1, what);
            replay_sql(a, t, ph->down, ph->ndown, i + 1, pb_arena_sprintf(a, "%s down", what));
            erase_validity(before);
            erase_validity(t);
            diffs d = {pb_arena_sprintf(a, "%s then its down part differ from before the phase", what), 0,
                       NULL};
            pb_catalog_diff(a, before, t, on_diff, &d);
            total += d.n;
        }
        replay_sql(a, cur, ph->up, ph->nup, i + 1, what);
    }
    diffs d = {pb_arena_sprintf(a,
                                "plan %s: the phases and the original migration give different catalogs "
                                "(first: original, second: plan)",
                                name),
               0, pl};
    pb_catalog_diff(a, naive, cur, on_diff, &d);
    return total + d.n;
}

static bool allowed_in_contract(const char *rule)
{
    (void)rule; /* none: the planner's drops carry a reasoned pgbelay-ignore */
    return false;
}

static void prove_case(const pb_schema *seed, const char *path, const char *name)
{
    pb_options opt = {.schema = seed};
    pb_arena *a = pb_arena_new();
    const char *files[] = {path};
    pb_migration_set set;
    pb_framework_load(a, &opt, files, 1, true, PB_FW_PLAIN, &set);
    if (set.len != 1) {
        CHECK_(false, "plan %s: one migration loaded, got %zu", name, set.len);
        pb_arena_free(a);
        return;
    }
    results res = {0};
    pb_lint__set(&opt, &set, collect, &res, NULL, NULL);
    size_t risky = 0;
    for (size_t i = 0; i < res.n; i++)
        for (size_t k = 0; k < res.v[i].ndiags; k++)
            risky += res.v[i].diags[k].severity >= PB_SEV_WARNING;
    pb_catalog *cat = pb_catalog_clone(a, pb_schema__catalog(seed));
    pb_plan pl;
    pb_plan_migration(a, NULL, set.items[0], cat, res.n ? res.v[0].diags : NULL, res.n ? res.v[0].ndiags : 0,
                      &pl);
    CHECK_(pl.nothing_to_change == (risky == 0), "plan %s: %s (the lint found %zu risky statements)", name,
           pl.nothing_to_change ? "nothing to change" : "a plan", risky);
    CHECK_(pl.nothing_to_change || pl.nphases > 0, "plan %s: a plan has phases", name);
    free_results(&res);
    if (!pl.nothing_to_change)
        prove_catalog(a, name, pb_schema__catalog(seed), set.items[0], &pl);

    /* every statement parses */
    for (size_t i = 0; i < pl.nphases; i++) {
        const pb_phase *ph = &pl.phases[i];
        for (size_t k = 0; k < ph->nup + ph->ndown; k++) {
            const char *sql = k < ph->nup ? ph->up[k] : ph->down[k - ph->nup];
            const char *err = NULL;
            CHECK_(pb_sql_parses(a, sql, &err), "plan %s phase %u: parses: %s\n%s", name, ph->number,
                   err ? err : "", sql);
        }
        const char *want = ph->transactional ? "SET LOCAL lock_timeout" : "SET lock_timeout";
        CHECK_(ph->nup >= 2 && !strncmp(ph->up[0], want, strlen(want)),
               "plan %s phase %u starts with SET lock_timeout", name, ph->number);
        CHECK_(ph->kind != PB_PHASE_CONTRACT || ph->gate_before || !strcmp(name, "drop_index"),
               "plan %s phase %u: a contract phase has a deploy gate", name, ph->number);
    }
    if (pl.nothing_to_change) {
        pb_arena_free(a);
        return;
    }

    /* the phases as plain-SQL migrations lint clean */
    char tmp[] = "/tmp/pgbelay-plan-XXXXXX";
    if (!mkdtemp(tmp)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        pb_arena_free(a);
        return;
    }
    pb_phase_spec *specs = pb_arena_alloc(a, pl.nphases * sizeof *specs);
    for (size_t i = 0; i < pl.nphases; i++)
        specs[i] = (pb_phase_spec){.slug = pl.phases[i].slug,
                                   .comment = pl.phases[i].title,
                                   .up = pl.phases[i].up,
                                   .nup = pl.phases[i].nup,
                                   .down = pl.phases[i].down,
                                   .ndown = pl.phases[i].down ? pl.phases[i].ndown : 0,
                                   .transactional = pl.phases[i].transactional};
    pb_out_file *out;
    size_t nout;
    const char *err = NULL;
    bool ok = pb_framework_render(a, PB_FW_PLAIN, tmp, specs, pl.nphases, 1700000000, &out, &nout, &err) &&
              pb_framework_write_files(a, tmp, out, nout, &err);
    CHECK_(ok, "plan %s: phases written as plain SQL: %s", name, err ? err : "");
    if (ok) {
        const char **paths = pb_arena_alloc(a, nout * sizeof *paths);
        for (size_t i = 0; i < nout; i++)
            paths[i] = pb_arena_sprintf(a, "%s/%s", tmp, out[i].path);
        pb_migration_set ps;
        pb_framework_load(a, &opt, paths, nout, false, PB_FW_PLAIN, &ps);
        results pr = {0};
        pb_lint__set(&opt, &ps, collect, &pr, NULL, NULL);
        for (size_t i = 0; i < pr.n; i++) {
            /* plain SQL is written one file per phase, in phase order */
            bool contract = false;
            for (size_t f = 0; f < nout && nout == pl.nphases; f++)
                if (!strcmp(pb_source_path(pr.v[i].source), paths[f]))
                    contract = pl.phases[f].kind == PB_PHASE_CONTRACT;
            for (size_t k = 0; k < pr.v[i].ndiags; k++) {
                const pb_diag *d = &pr.v[i].diags[k];
                if (d->severity < PB_SEV_WARNING || (contract && allowed_in_contract(d->rule->id)))
                    continue;
                uint32_t line, col;
                pb_source_position(pr.v[i].source, d->span.start, PB_COL_BYTES, &line, &col);
                CHECK_(false, "plan %s: %s:%u: %s [%s]", name, pb_source_path(pr.v[i].source), line,
                       d->message, d->rule->id);
            }
        }
        CHECK_(pr.n == nout, "plan %s: every written file linted (%zu of %zu)", name, pr.n, nout);
        free_results(&pr);
        for (size_t i = 0; i < nout; i++)
            unlink(paths[i]);
    }
    rmdir(tmp);
    pb_arena_free(a);
}

/* ---- --write, per framework -------------------------------------------------------- */
/* testdata/plan/write/<framework>/in/ holds one migration (users.username
 * renamed, in that tool's format); `pgbelay plan --framework F --write DIR
 * DIR/<migration>` on a copy of it must write exactly the files of
 * testdata/plan/write/<framework>/out/ (the copy's path reads DIR in them).
 * The rename recipe has transactional and non-transactional phases, a
 * backfill and a contract phase without a down part. With --update the
 * out/ files are rewritten. */

bool tst_write_file(const char *path, const char *data, size_t len);
char *tst_read_file(const char *path, size_t *len);
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

typedef struct paths {
    char **v;
    size_t n, cap;
} paths;

static paths *walk_acc;
static size_t walk_skip;

static int walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)ftw;
    if (flag != FTW_F)
        return 0;
    paths *p = walk_acc;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->v = realloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->n++] = strdup(path + walk_skip);
    return 0;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The files below `dir`, as sorted paths relative to it. */
static paths list_files(const char *dir)
{
    paths p = {0};
    walk_acc = &p;
    walk_skip = strlen(dir) + 1;
    nftw(dir, walk_one, 16, FTW_PHYS);
    if (p.n)
        qsort(p.v, p.n, sizeof *p.v, cmp_str);
    return p;
}

static void free_paths(paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
    memset(p, 0, sizeof *p);
}

static bool has_path(const paths *p, const char *x)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->v[i], x))
            return true;
    return false;
}

/* mkdir -p of the directory part of `path`. */
static void make_parents(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *q = buf + 1; *q; q++)
        if (*q == '/') {
            *q = '\0';
            mkdir(buf, 0755);
            *q = '/';
        }
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* `text` with every occurrence of `from` replaced by `to`; malloc'd. */
static char *replace_all(const char *text, size_t len, const char *from, const char *to, size_t *out_len)
{
    pb_buf b = {0};
    size_t fl = strlen(from);
    for (size_t i = 0; i < len;) {
        if (fl && i + fl <= len && !memcmp(text + i, from, fl)) {
            pb_buf_puts(&b, to);
            i += fl;
        } else
            pb_buf_putc(&b, text[i++]);
    }
    char *r = malloc(b.len + 1);
    memcpy(r, b.data ? b.data : "", b.len);
    r[b.len] = '\0';
    *out_len = b.len;
    pb_buf_release(&b);
    return r;
}

static void write_case(const char *root, const char *fw)
{
    char in[PATH_MAX], out[PATH_MAX], tmp[] = "/tmp/pgbelay-plan-write-XXXXXX", seed[PATH_MAX];
    snprintf(in, sizeof in, "%s/testdata/plan/write/%s/in", root, fw);
    snprintf(out, sizeof out, "%s/testdata/plan/write/%s/out", root, fw);
    snprintf(seed, sizeof seed, "%s/testdata/plan/seed.sql", root);
    if (!mkdtemp(tmp)) {
        CHECK_(false, "mkdtemp: %s", strerror(errno));
        return;
    }
    /* the copy of in/, and the migration to plan: its first up file */
    paths inputs = list_files(in);
    const char *target = NULL;
    for (size_t i = 0; i < inputs.n; i++) {
        char src[PATH_MAX], dst[PATH_MAX];
        snprintf(src, sizeof src, "%s/%s", in, inputs.v[i]);
        snprintf(dst, sizeof dst, "%s/%s", tmp, inputs.v[i]);
        make_parents(dst);
        size_t len;
        char *data = tst_read_file(src, &len);
        CHECK_(data && tst_write_file(dst, data, len), "plan --write %s: copy %s", fw, src);
        free(data);
        if (!target && !strstr(inputs.v[i], "down"))
            target = inputs.v[i];
    }
    CHECK_(target != NULL, "plan --write %s: no migration in %s", fw, in);
    char tpath[PATH_MAX];
    snprintf(tpath, sizeof tpath, "%s/%s", tmp, target ? target : "");
    tst_result r;
    tst_cmd c = {.argv = (const char *const[]){"plan", "--framework", fw, "--schema", seed, "--write", tmp,
                                               tpath, NULL},
                 .env = (const char *const[]){"SOURCE_DATE_EPOCH=1700000000", NULL}};
    bool ran = target && tst_run(&c, &r);
    CHECK_(ran && r.exit_code == 0, "plan --write %s: exit %d: %.2000s", fw, ran ? r.exit_code : -1,
           ran && r.err ? r.err : "");
    if (ran)
        tst_result_free(&r);
    paths all = list_files(tmp);
    paths want = list_files(out);
    size_t written = 0;
    if (T.update) {
        nftw(out, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    }
    for (size_t i = 0; i < all.n; i++) {
        if (has_path(&inputs, all.v[i]))
            continue;
        written++;
        char got_path[PATH_MAX], want_path[PATH_MAX];
        snprintf(got_path, sizeof got_path, "%s/%s", tmp, all.v[i]);
        snprintf(want_path, sizeof want_path, "%s/%s", out, all.v[i]);
        size_t glen, nlen, wlen;
        char *got = tst_read_file(got_path, &glen);
        char *norm = replace_all(got ? got : "", got ? glen : 0, tmp, "DIR", &nlen);
        if (T.update) {
            make_parents(want_path);
            CHECK_(tst_write_file(want_path, norm, nlen), "plan --write %s: cannot update %s", fw, want_path);
        } else {
            char *exp = tst_read_file(want_path, &wlen);
            CHECK_(exp && wlen == nlen && !memcmp(exp, norm, nlen), "plan --write %s: %s %s (expected in %s)",
                   fw, all.v[i], exp ? "differs from the expected file" : "is not expected", want_path);
            free(exp);
        }
        free(got);
        free(norm);
    }
    CHECK_(written > 0, "plan --write %s: wrote no file", fw);
    for (size_t i = 0; !T.update && i < want.n; i++)
        CHECK_(has_path(&all, want.v[i]), "plan --write %s: %s was not written", fw, want.v[i]);
    if (T.update)
        fprintf(stderr, "updated %s (%zu files)\n", out, written);
    free_paths(&inputs);
    free_paths(&all);
    free_paths(&want);
    nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_plan_write(const char *root)
{
    static const char *const fws[] = {"plain",  "golang-migrate", "goose",  "dbmate",    "sql-migrate",
                                      "diesel", "sqlx",           "flyway", "liquibase", "prisma"};
    if (!T.pgbelay) {
        CHECK_(false, "plan --write: no pgbelay binary to run");
        return;
    }
    for (size_t i = 0; i < sizeof fws / sizeof fws[0]; i++)
        write_case(root, fws[i]);

    /* a file the framework does not take for an up migration is an error
       with its name, not a silent "nothing" */
    tst_result r;
    tst_cmd c = {.argv = (const char *const[]){"plan", "--framework", "golang-migrate",
                                               "testdata/plan/rename_column/rename_column.sql", NULL}};
    bool ran = tst_run(&c, &r);
    CHECK_(ran && r.exit_code == 2 && r.err && strstr(r.err, "rename_column.sql") &&
               strstr(r.err, "not an up migration"),
           "plan of a file that is no golang-migrate migration: exit %d, stderr: %s", ran ? r.exit_code : -1,
           ran && r.err ? r.err : "");
    if (ran)
        tst_result_free(&r);
}

void test_plan(void)
{
    char dir[PATH_MAX], seedp[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/testdata/plan", T.root ? T.root : ".");
    snprintf(seedp, sizeof seedp, "%s/seed.sql", dir);
    char *err = NULL;
    pb_options opt = {0};
    pb_schema *seed = pb_schema_load(&opt, seedp, &err);
    if (!seed) {
        CHECK_(false, "plan: seed %s: %s", seedp, err ? err : "");
        free(err);
        return;
    }
    CHECK_(pb_schema_problem(seed, 0) == NULL, "plan: the seed loads without problems: %s",
           pb_schema_problem(seed, 0) ? pb_schema_problem(seed, 0) : "");
    INT_EQ(pb_schema_ntables(seed), 4);
    DIR *d = opendir(dir);
    if (!d) {
        CHECK_(false, "cannot open %s", dir);
        pb_schema_free(seed);
        return;
    }
    char *names[128];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 128) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "e2e") || !strcmp(e->d_name, "write") ||
            strstr(e->d_name, ".sql"))
            continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    CHECK_(n >= 10, "plan: at least 10 cases in %s, found %zu", dir, n);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s/%s.sql", dir, names[i], names[i]);
        prove_case(seed, path, names[i]);
        free(names[i]);
    }
    pb_schema_free(seed);

    /* the PostgreSQL end-to-end cases (tests/pg/plan_e2e.py), each with its
       own seed: the same proofs without a server */
    char e2e[PATH_MAX];
    snprintf(e2e, sizeof e2e, "%s/e2e", dir);
    d = opendir(e2e);
    CHECK_(d != NULL, "cannot open %s", e2e);
    n = 0;
    while (d && (e = readdir(d)) && n < 128)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    if (d)
        closedir(d);
    CHECK_(n >= 10, "plan: at least 10 cases in %s, found %zu", e2e, n);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX], sp[PATH_MAX], label[PATH_MAX];
        snprintf(sp, sizeof sp, "%s/%s/seed.sql", e2e, names[i]);
        snprintf(path, sizeof path, "%s/%s/migration.sql", e2e, names[i]);
        snprintf(label, sizeof label, "e2e/%s", names[i]);
        pb_schema *cs = pb_schema_load(&opt, sp, &err);
        CHECK_(cs != NULL, "plan %s: seed %s: %s", label, sp, err ? err : "");
        free(err);
        err = NULL;
        if (cs)
            prove_case(cs, path, label);
        pb_schema_free(cs);
        free(names[i]);
    }
    test_plan_write(T.root ? T.root : ".");
    /* no pb_thread_cleanup here: suites after this one still parse
       (main() releases the parser at the end) */
}
