/* `pgbelay plan`: loads the migration set around each PATH, lints it,
 * replays the catalog in migration order and plans each target migration
 * that has risky statements; prints the plans as text or JSON, and with
 * --write writes the phases as migrations of the detected framework. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "catalog/catalog.h"
#include "cli/cli.h"
#include "config/config.h"
#include "core/arena.h"
#include "framework/framework.h"
#include "framework/write.h"
#include "lint/lint.h"
#include "pgbelay/pgbelay.h"
#include "plan/plan.h"

static const pb_opt_doc opts[] = {
    {{"format", required_argument, NULL, 'f'}, "FORMAT", "output format: text (default), json"},
    {{"write", required_argument, NULL, 'W'},
     "DIR",
     "write the phases as new migration files in DIR, in the framework's format (never overwrites)"},
    {{"framework", required_argument, NULL, 'w'},
     "NAME",
     "migration tool (default: detected); also the format --write uses"},
    {{"pg-version", required_argument, NULL, 'p'},
     "N",
     "PostgreSQL major version of the target server, 11-17 (default 15)"},
    {{"schema", required_argument, NULL, 'D'},
     "FILE",
     "the schema the migrations start from: pg_dump --schema-only output or a Rails structure.sql"},
    {{"lock-timeout", required_argument, NULL, 'l'},
     "DURATION",
     "lock_timeout every phase sets (default 3s)"},
    {{"batch-size", required_argument, NULL, 'b'}, "ROWS", "rows per backfill batch (default 1000)"},
    {{"batch-pause", required_argument, NULL, 'P'},
     "INTERVAL",
     "pause between backfill batches (default '100 milliseconds')"},
    {{"sync", required_argument, NULL, 's'},
     "HOW",
     "how a renamed column is kept in sync while old and new code run: trigger (default) or app (dual "
     "writes)"},
    {{"config", required_argument, NULL, 'C'},
     "FILE",
     "read FILE instead of the nearest .pgbelay.yaml upward from the working directory"},
    {{"help", no_argument, NULL, 'h'}, NULL, "show this help"},
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void plan_usage(FILE *f)
{
    fprintf(f, "usage: pgbelay plan [options] PATH...\n\n"
               "Rewrites the risky statements of migrations into expand / backfill / switch /\n"
               "contract phases. A file is planned with the migrations before it in its\n"
               "directory replayed for context; a directory plans every migration in it.\n\n"
               "options:\n");
    pb_cli_print_options(f, opts, NOPTS);
    fprintf(f, "\nexit codes: 0 planned (or nothing to change), 2 usage, input or write error\n");
}

typedef struct files {
    char **v;
    size_t n, cap;
    bool failed;
} files;

static void add_file(void *ud, const char *path, const char *error)
{
    files *f = ud;
    if (error) {
        pb_cli_error("%s", error);
        f->failed = true;
        return;
    }
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->v[i], path))
            return;
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 32;
        f->v = realloc(f->v, f->cap * sizeof *f->v);
        if (!f->v) {
            pb_cli_error("out of memory");
            exit(PB_EXIT_ERROR);
        }
    }
    f->v[f->n++] = strdup(path);
}

static void free_files(files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i]);
    free(f->v);
    memset(f, 0, sizeof *f);
}

typedef struct collected {
    pb_result *v;
    size_t n, cap;
} collected;

static void collect(void *ud, pb_result *res)
{
    collected *c = ud;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = *res;
}

/* The directory of the file at `path` ("." for a bare name), malloc'd. */
static char *own_dir(const char *path)
{
    char *k = strdup(path);
    char *slash = k ? strrchr(k, '/') : NULL;
    if (!k)
        return NULL;
    if (!slash)
        strcpy(k, ".");
    else if (slash == k)
        k[1] = '\0';
    else
        *slash = '\0';
    return k;
}

/* ---- output ------------------------------------------------------------------------ */

static const char *lock_effect(pb_lock_mode m)
{
    if (m >= PB_LOCK_ACCESS_EXCLUSIVE)
        return "blocks reads and writes";
    if (m >= PB_LOCK_SHARE)
        return "blocks writes";
    if (m >= PB_LOCK_SHARE_UPDATE_EXCLUSIVE)
        return "reads and writes continue";
    return "reads and writes continue";
}

static void print_text(FILE *o, const pb_plan *pl, pb_framework fw)
{
    fprintf(o, "plan for %s (%s)\n", pl->path, pb_framework_name(fw));
    if (pl->nothing_to_change) {
        fprintf(o, "\n  nothing to change: pgbelay found no risky statement in this migration\n");
        for (size_t i = 0; i < pl->nnotes; i++)
            fprintf(o, "  note: %s\n", pl->notes[i]);
        fprintf(o, "\n");
        return;
    }
    if (pl->nchanges) {
        fprintf(o, "\nrisky statements:\n");
        for (size_t i = 0; i < pl->nchanges; i++)
            fprintf(o, "  line %u: %s\n          %s -> recipe %s\n", pl->changes[i].line,
                    pl->changes[i].statement, pl->changes[i].rule, pl->changes[i].recipe);
    }
    for (size_t i = 0; i < pl->nphases; i++) {
        const pb_phase *ph = &pl->phases[i];
        if (ph->gate_before)
            fprintf(o, "\n== deploy gate: %s\n", ph->gate_before);
        fprintf(o, "\nphase %u (%s): %s\n", ph->number, pb_phase_kind_name(ph->kind), ph->title);
        fprintf(o, "  %s\n",
                ph->transactional ? "runs in one transaction"
                                  : "runs outside a transaction block, each statement on its own");
        for (size_t k = 0; k < ph->nlocks; k++)
            fprintf(o, "  lock: %s on %s, %s (%s)\n", pb_lock_mode_name(ph->locks[k].mode),
                    ph->locks[k].relation, pb_lock_duration_name(ph->locks[k].duration),
                    lock_effect(ph->locks[k].mode));
        if (ph->why && *ph->why)
            fprintf(o, "  why: %s\n", ph->why);
        fprintf(o, "  deploy:\n");
        for (size_t k = 0; k < ph->nup; k++) {
            fprintf(o, "    ");
            for (const char *c = ph->up[k]; *c; c++) {
                fputc(*c, o);
                if (*c == '\n')
                    fprintf(o, "    ");
            }
            fputc('\n', o);
        }
        if (ph->down && ph->ndown) {
            fprintf(o, "  rollback:\n");
            for (size_t k = 0; k < ph->ndown; k++)
                fprintf(o, "    %s\n", ph->down[k]);
        }
        if (ph->rollback && *ph->rollback)
            fprintf(o, "  rollback note: %s\n", ph->rollback);
    }
    if (pl->nnotes) {
        fprintf(o, "\nnotes:\n");
        for (size_t i = 0; i < pl->nnotes; i++)
            fprintf(o, "  - %s\n", pl->notes[i]);
    }
    fprintf(
        o,
        "\nIf a phase fails with \"canceling statement due to lock timeout\", run it again: every phase is "
        "safe to retry, and the timeout is what keeps a waiting lock from stalling the application.\n\n");
}

static json_t *strs(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *plan_json(const pb_plan *pl)
{
    json_t *m = json_object();
    json_object_set_new(m, "path", json_string(pl->path));
    json_object_set_new(m, "status", json_string(pl->nothing_to_change ? "nothing-to-change" : "plan"));
    json_t *ch = json_array();
    for (size_t i = 0; i < pl->nchanges; i++)
        json_array_append_new(ch, json_pack("{s:s, s:i, s:s, s:s}", "rule", pl->changes[i].rule, "line",
                                            (json_int_t)pl->changes[i].line, "recipe", pl->changes[i].recipe,
                                            "statement", pl->changes[i].statement));
    json_object_set_new(m, "changes", ch);
    json_t *phs = json_array();
    for (size_t i = 0; i < pl->nphases; i++) {
        const pb_phase *ph = &pl->phases[i];
        json_t *locks = json_array();
        for (size_t k = 0; k < ph->nlocks; k++)
            json_array_append_new(locks, json_pack("{s:s, s:s, s:s}", "relation", ph->locks[k].relation,
                                                   "mode", pb_lock_mode_name(ph->locks[k].mode), "duration",
                                                   pb_lock_duration_name(ph->locks[k].duration)));
        json_t *p = json_object();
        json_object_set_new(p, "number", json_integer(ph->number));
        json_object_set_new(p, "kind", json_string(pb_phase_kind_name(ph->kind)));
        json_object_set_new(p, "title", json_string(ph->title));
        json_object_set_new(p, "slug", json_string(ph->slug));
        json_object_set_new(p, "transactional", json_boolean(ph->transactional));
        json_object_set_new(p, "gate_before", ph->gate_before ? json_string(ph->gate_before) : json_null());
        json_object_set_new(p, "statements", strs(ph->up, ph->nup));
        json_object_set_new(p, "down", ph->down ? strs(ph->down, ph->ndown) : json_null());
        json_object_set_new(p, "locks", locks);
        json_object_set_new(p, "why", json_string(ph->why ? ph->why : ""));
        json_object_set_new(p, "rollback", json_string(ph->rollback ? ph->rollback : ""));
        json_array_append_new(phs, p);
    }
    json_object_set_new(m, "phases", phs);
    json_object_set_new(m, "notes", strs(pl->notes, pl->nnotes));
    return m;
}

/* Writes the phases of `pl` into `dir` as migrations of `fw`. */
static bool write_plan(pb_arena *a, const pb_plan *pl, pb_framework fw, const char *dir)
{
    pb_phase_spec *specs = pb_arena_alloc(a, (pl->nphases ? pl->nphases : 1) * sizeof *specs);
    for (size_t i = 0; i < pl->nphases; i++) {
        const pb_phase *ph = &pl->phases[i];
        const char *comment = pb_arena_sprintf(
            a, "pgbelay plan, phase %u of %zu (%s) for %s\n%s%s%s%s", ph->number, pl->nphases,
            pb_phase_kind_name(ph->kind), pl->path, ph->title, ph->gate_before ? "\nrun only after: " : "",
            ph->gate_before ? ph->gate_before : "",
            ph->transactional ? "" : "\nruns outside a transaction block");
        specs[i] = (pb_phase_spec){
            .slug = ph->slug,
            .comment = comment,
            .up = ph->up,
            .nup = ph->nup,
            .down = ph->down,
            .ndown = ph->down ? ph->ndown : 0,
            .transactional = ph->transactional,
        };
    }
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    int64_t now = sde && *sde ? strtoll(sde, NULL, 10) : (int64_t)time(NULL);
    pb_out_file *out;
    size_t nout;
    const char *err = NULL;
    if (!pb_framework_render(a, fw, dir, specs, pl->nphases, now, &out, &nout, &err) ||
        !pb_framework_write_files(a, dir, out, nout, &err)) {
        pb_cli_error("--write %s: %s", dir, err ? err : "cannot write the plan");
        return false;
    }
    for (size_t i = 0; i < nout; i++)
        fprintf(stderr, "pgbelay: wrote %s/%s\n", dir, out[i].path);
    return true;
}

int pb_cmd_plan(int argc, char **argv)
{
    struct option lo[NOPTS + 1];
    pb_cli_long_options(opts, NOPTS, lo);
    pb_options opt = {0};
    pb_plan_options po = {0};
    bool json = false, forced = false;
    pb_framework fw = PB_FW_PLAIN;
    const char *write_dir = NULL, *schema_path = NULL, *config_path = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "json"))
                json = true;
            else if (strcmp(optarg, "text")) {
                pb_cli_error("unknown --format '%s' for plan (text, json)", optarg);
                return PB_EXIT_ERROR;
            }
            break;
        case 'W': write_dir = optarg; break;
        case 'C': config_path = optarg; break;
        case 'w':
            if (!pb_framework_parse(optarg, &fw)) {
                pb_cli_error("unknown --framework '%s' (see 'pgbelay lint --help')", optarg);
                return PB_EXIT_ERROR;
            }
            forced = true;
            break;
        case 'p': {
            long v = strtol(optarg, &end, 10);
            if (*end || v < PB_PG_VERSION_MIN || v > PB_PG_VERSION_MAX) {
                pb_cli_error("--pg-version must be a major version from %d to %d, not '%s'",
                             PB_PG_VERSION_MIN, PB_PG_VERSION_MAX, optarg);
                return PB_EXIT_ERROR;
            }
            opt.pg_version = po.pg_version = (int)v;
            break;
        }
        case 'D': schema_path = optarg; break;
        case 'l':
            if (!*optarg || strchr(optarg, '\'')) {
                pb_cli_error("--lock-timeout must be a duration such as 3s or 500ms, not '%s'", optarg);
                return PB_EXIT_ERROR;
            }
            po.lock_timeout = optarg;
            break;
        case 'b': {
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 10000000) {
                pb_cli_error("--batch-size must be a number of rows from 1 to 10000000, not '%s'", optarg);
                return PB_EXIT_ERROR;
            }
            po.batch_size = (uint32_t)v;
            break;
        }
        case 'P': po.batch_pause = optarg; break;
        case 's':
            if (!strcmp(optarg, "app"))
                po.sync_app = true;
            else if (strcmp(optarg, "trigger")) {
                pb_cli_error("--sync must be trigger or app, not '%s'", optarg);
                return PB_EXIT_ERROR;
            }
            break;
        case 'h': plan_usage(stdout); return PB_EXIT_OK;
        case ':': pb_cli_error("option '%s' needs a value", argv[optind - 1]); return PB_EXIT_ERROR;
        default:
            pb_cli_error("unknown option '%s' (see 'pgbelay plan --help')", argv[optind - 1]);
            return PB_EXIT_ERROR;
        }
    }
    if (optind >= argc) {
        pb_cli_error("plan needs a migration file or directory (see 'pgbelay plan --help')");
        return PB_EXIT_ERROR;
    }
    pb_config *cfg = pb_cli_config_open(config_path, argc, argv, lo);
    if (!cfg)
        return PB_EXIT_ERROR;
    pb_config_apply(cfg, &opt);
    if (cfg->from[PB_CS_PG_VERSION].kind == PB_FROM_FILE)
        po.pg_version = cfg->pg_version;
    if (cfg->from[PB_CS_FRAMEWORK].kind == PB_FROM_FILE) {
        fw = cfg->framework;
        forced = true;
    }
    pb_schema *schema = NULL;
    if (schema_path) {
        char *err;
        if (!(schema = pb_schema_load(&opt, schema_path, &err))) {
            pb_cli_error("--schema: %s", err);
            free(err);
            pb_config_free(cfg);
            return PB_EXIT_ERROR;
        }
        for (size_t i = 0; pb_schema_problem(schema, i); i++)
            pb_cli_error("%s", pb_schema_problem(schema, i));
        opt.schema = schema;
    }
    int status = PB_EXIT_OK;
    json_t *doc = json_object(), *migs = json_array();
    for (int ai = optind; ai < argc; ai++) {
        const char *arg = argv[ai];
        struct stat sb;
        if (stat(arg, &sb) != 0) {
            pb_cli_error("cannot read '%s': %s", arg, strerror(errno));
            status = PB_EXIT_ERROR;
            continue;
        }
        files ctx = {0}, targets = {0};
        if (S_ISDIR(sb.st_mode)) {
            pb_cli_walk_sql(arg, add_file, &ctx);
            pb_cli_walk_sql(arg, add_file, &targets);
        } else {
            /* a migration.sql or up.sql is one folder of a Prisma or Diesel
               set, unless --framework names a tool whose migrations are
               files of one directory (plain SQL): then that directory */
            char *dir =
                forced && fw != PB_FW_PRISMA && fw != PB_FW_DIESEL ? own_dir(arg) : pb_cli_set_dir(arg);
            pb_cli_walk_sql(dir, add_file, &ctx);
            free(dir);
            add_file(&ctx, arg, NULL);
            add_file(&targets, arg, NULL);
        }
        if (ctx.failed)
            status = PB_EXIT_ERROR;
        pb_arena *a = pb_arena_new();
        pb_migration_set set;
        pb_framework_load(a, &opt, (const char *const *)ctx.v, ctx.n, !forced, fw, &set);
        for (size_t i = 0; i < set.nunloaded; i++) {
            pb_cli_error("cannot plan '%s': %s", set.unloaded[i].path,
                         set.unloaded[i].error ? set.unloaded[i].error : "over the size limit");
            status = PB_EXIT_ERROR;
        }
        collected res = {0};
        pb_lint__set(&opt, &set, collect, &res, NULL, NULL);
        pb_catalog *cat = pb_lint__start_catalog(&opt, a);
        bool *found = calloc(targets.n ? targets.n : 1, sizeof *found);
        for (size_t m = 0; m < set.len; m++) {
            const pb_migration *mig = set.items[m];
            bool target = false;
            for (size_t t = 0; t < targets.n; t++)
                if (mig->rank < 2 && !strcmp(targets.v[t], mig->up->src->path))
                    target = found[t] = true;
            if (target && mig->rank < 2) {
                const pb_diag *diags = NULL;
                size_t nd = 0;
                for (size_t r = 0; r < res.n; r++)
                    if (res.v[r].source == mig->up->src) {
                        diags = res.v[r].diags;
                        nd = res.v[r].ndiags;
                    }
                pb_plan pl;
                pb_plan_migration(a, &po, mig, cat, diags, nd, &pl);
                if (json) {
                    json_t *mj = plan_json(&pl);
                    json_object_set_new(mj, "framework", json_string(pb_framework_name(set.framework)));
                    json_array_append_new(migs, mj);
                    json_object_set_new(doc, "framework", json_string(pb_framework_name(set.framework)));
                } else
                    print_text(stdout, &pl, set.framework);
                if (write_dir && !pl.nothing_to_change && pl.nphases &&
                    !write_plan(a, &pl, forced ? fw : set.framework, write_dir))
                    status = PB_EXIT_ERROR;
            }
            pb_lint__replay_part(mig->up, cat, m, NULL, NULL);
        }
        /* a file the framework does not take for a migration (a goose file
           without its markers, a golang-migrate file without .up.sql) must
           not pass silently */
        for (size_t t = 0; t < targets.n && !S_ISDIR(sb.st_mode); t++)
            if (!found[t]) {
                bool unloaded = false;
                for (size_t i = 0; i < set.nunloaded; i++)
                    unloaded |= !strcmp(set.unloaded[i].path, targets.v[t]);
                if (!unloaded)
                    pb_cli_error("cannot plan '%s': it is not an up migration of the %s set in its directory "
                                 "(check --framework and the file name)",
                                 targets.v[t], pb_framework_name(forced ? fw : set.framework));
                status = PB_EXIT_ERROR;
            }
        free(found);
        if (!json)
            fflush(stdout);
        for (size_t r = 0; r < res.n; r++)
            pb_result_free(&res.v[r]);
        free(res.v);
        pb_arena_free(a);
        free_files(&ctx);
        free_files(&targets);
    }
    if (json) {
        json_object_set_new(doc, "format", json_string("pgbelay-plan/1"));
        json_object_set_new(doc, "pg_version",
                            json_integer(opt.pg_version ? opt.pg_version : PB_PG_VERSION_DEFAULT));
        json_object_set_new(doc, "migrations", migs);
        char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s) {
            fputs(s, stdout);
            fputc('\n', stdout);
            free(s);
        }
    } else {
        json_decref(migs);
    }
    json_decref(doc);
    pb_schema_free(schema);
    pb_config_free(cfg);
    pb_thread_cleanup();
    return status;
}

const pb_opt_doc *pb_cli_plan_options(size_t *n)
{
    *n = NOPTS;
    return opts;
}
