/* Plan proofs over every case of testdata/plan/ (each a directory with one
 * migration, planned against testdata/plan/seed.sql):
 *   - every generated statement (deploy and rollback) parses;
 *   - the phases, written as plain-SQL migrations and linted as a set with
 *     the same seed, give no finding at warning level or above, except the
 *     destructive-change rules on contract phases behind a deploy gate
 *     (the destruction is the point of those phases);
 *   - a plan exists exactly when the migration has risky statements. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
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

static bool allowed_in_contract(const char *rule)
{
    return !strcmp(rule, "drop-column") || !strcmp(rule, "drop-table");
}

static void prove_case(const pb_schema *seed, const char *dir, const char *name)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s/%s.sql", dir, name, name);
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
    INT_EQ(pb_schema_ntables(seed), 3);
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
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "e2e") || strstr(e->d_name, ".sql"))
            continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    CHECK_(n >= 10, "plan: at least 10 cases in %s, found %zu", dir, n);
    for (size_t i = 0; i < n; i++) {
        prove_case(seed, dir, names[i]);
        free(names[i]);
    }
    pb_schema_free(seed);
    /* no pb_thread_cleanup here: suites after this one still parse
       (main() releases the parser at the end) */
}
