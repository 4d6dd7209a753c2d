/* What `pgbelay facts` and `pgbelay catalog` share: their common options
 * (--format, --framework, --pg-version, --schema) and loading the
 * migration set around a PATH argument. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/setargs.h"

static void add_file(void *ud, const char *path, const char *error)
{
    pb_cli_files *f = ud;
    if (error) {
        pb_cli_error("%s", error);
        f->failed = true;
        return;
    }
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->v[i], path))
            return;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        char **v = realloc(f->v, cap * sizeof *v);
        if (!v) {
            pb_cli_error("out of memory");
            exit(PB_EXIT_ERROR);
        }
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n++] = strdup(path);
}

static void free_files(pb_cli_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i]);
    free(f->v);
    memset(f, 0, sizeof *f);
}

int pb_cli_setargs_option(pb_cli_setargs *sa, int c, const char *arg, const char *cmd)
{
    char *end;
    switch (c) {
    case 'f':
        if (!strcmp(arg, "json"))
            sa->json = true;
        else if (!strcmp(arg, "text"))
            sa->json = false;
        else {
            pb_cli_error("unknown --format '%s' for %s (text, json)", arg, cmd);
            return -1;
        }
        return 1;
    case 'w':
        if (!pb_framework_parse(arg, &sa->fw)) {
            pb_cli_error("unknown --framework '%s' (see 'pgbelay lint --help')", arg);
            return -1;
        }
        sa->forced = true;
        return 1;
    case 'p': {
        long v = strtol(arg, &end, 10);
        if (*end || v < PB_PG_VERSION_MIN || v > PB_PG_VERSION_MAX) {
            pb_cli_error("--pg-version must be a major version from %d to %d, not '%s'", PB_PG_VERSION_MIN,
                         PB_PG_VERSION_MAX, arg);
            return -1;
        }
        sa->opt.pg_version = (int)v;
        return 1;
    }
    case 'D': sa->schema_path = arg; return 1;
    default: return 0;
    }
}

bool pb_cli_setargs_start(pb_cli_setargs *sa)
{
    if (!sa->schema_path)
        return true;
    char *err;
    if (!(sa->schema = pb_schema_load(&sa->opt, sa->schema_path, &err))) {
        pb_cli_error("--schema: %s", err);
        free(err);
        return false;
    }
    for (size_t i = 0; pb_schema_problem(sa->schema, i); i++)
        pb_cli_error("%s", pb_schema_problem(sa->schema, i));
    sa->opt.schema = sa->schema;
    return true;
}

int pb_cli_setargs_parse(pb_cli_setargs *sa, int argc, char **argv, const pb_opt_doc *opts, size_t nopts,
                         const char *cmd, void (*usage)(FILE *))
{
    struct option *lo = calloc(nopts + 1, sizeof *lo);
    if (!lo) {
        pb_cli_error("out of memory");
        return -1;
    }
    pb_cli_long_options(opts, nopts, lo);
    int c, status = 1;
    optind = 1;
    opterr = 0;
    while (status == 1 && (c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        int r = pb_cli_setargs_option(sa, c, optarg, cmd);
        if (r < 0)
            status = -1;
        else if (r > 0)
            continue;
        else if (c == 'h') {
            usage(stdout);
            status = 0;
        } else if (c == ':') {
            pb_cli_error("option '%s' needs a value", argv[optind - 1]);
            status = -1;
        } else {
            pb_cli_error("unknown option '%s' (see 'pgbelay %s --help')", argv[optind - 1], cmd);
            status = -1;
        }
    }
    free(lo);
    if (status != 1)
        return status;
    if (optind >= argc) {
        pb_cli_error("%s needs a migration file or directory (see 'pgbelay %s --help')", cmd, cmd);
        return -1;
    }
    return pb_cli_setargs_start(sa) ? 1 : -1;
}

void pb_cli_setargs_release(pb_cli_setargs *sa)
{
    pb_schema_free(sa->schema);
    sa->schema = NULL;
    sa->opt.schema = NULL;
}

bool pb_cli_load_set(const pb_cli_setargs *sa, const char *arg, pb_cli_set *out)
{
    memset(out, 0, sizeof *out);
    struct stat sb;
    if (stat(arg, &sb) != 0) {
        pb_cli_error("cannot read '%s': %s", arg, strerror(errno));
        return false;
    }
    pb_cli_files ctx = {0};
    if (S_ISDIR(sb.st_mode)) {
        pb_cli_walk_sql(arg, add_file, &ctx);
        pb_cli_walk_sql(arg, add_file, &out->targets);
    } else {
        char *dir = pb_cli_set_dir(arg);
        pb_cli_walk_sql(dir, add_file, &ctx);
        free(dir);
        add_file(&ctx, arg, NULL);
        add_file(&out->targets, arg, NULL);
    }
    out->failed = ctx.failed || out->targets.failed;
    out->arena = pb_arena_new();
    pb_framework_load(out->arena, &sa->opt, (const char *const *)ctx.v, ctx.n, !sa->forced, sa->fw,
                      &out->set);
    for (size_t i = 0; i < out->set.nunloaded; i++) {
        pb_cli_error("cannot read '%s': %s", out->set.unloaded[i].path,
                     out->set.unloaded[i].error ? out->set.unloaded[i].error : "over the size limit");
        out->failed = true;
    }
    free_files(&ctx);
    return true;
}

bool pb_cli_set_is_target(const pb_cli_set *s, const pb_migration *m)
{
    for (size_t t = 0; t < s->targets.n; t++)
        if (!strcmp(s->targets.v[t], m->up->src->path))
            return true;
    return false;
}

void pb_cli_set_release(pb_cli_set *s)
{
    pb_arena_free(s->arena);
    free_files(&s->targets);
    memset(s, 0, sizeof *s);
}
