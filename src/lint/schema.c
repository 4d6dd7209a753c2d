/* --schema FILE: the starting schema of a migration history, read from a
 * schema dump (pg_dump --schema-only, Rails structure.sql) and replayed
 * into a catalog that each lint run copies. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "framework/framework.h"
#include "lint/lint.h"
#include "source/source.h"

struct pb_schema {
    pb_arena *arena; /* owns the catalog, the source and the problems */
    pb_catalog cat;
    pb_source *src;
    const char **problems;
    size_t nproblems, cap;
};

static void add_problem(pb_schema *s, const char *msg)
{
    if (s->nproblems == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        const char **n = pb_arena_alloc(s->arena, cap * sizeof *n);
        if (s->nproblems)
            memcpy(n, s->problems, s->nproblems * sizeof *n);
        s->problems = n;
        s->cap = cap;
    }
    s->problems[s->nproblems++] = msg;
}

static void on_error(void *ud, uint32_t offset, const char *message)
{
    pb_schema *s = ud;
    uint32_t line, col;
    pb_source_position(s->src, offset, PB_COL_BYTES, &line, &col);
    add_problem(s, pb_arena_sprintf(s->arena, "%s:%u:%u: schema file: %s", s->src->path, line, col, message));
}

pb_schema *pb_schema_load(const pb_options *opt, const char *path, char **err)
{
    *err = NULL;
    pb_schema *s = calloc(1, sizeof *s);
    if (!s) {
        *err = strdup("out of memory");
        return NULL;
    }
    s->arena = pb_arena_new();
    size_t cap = opt && opt->max_file_size ? opt->max_file_size : PB_DEFAULT_MAX_FILE_SIZE;
    size_t size;
    const char *rerr = NULL;
    if (pb_source_read(s->arena, path, path, cap, &s->src, &size, &rerr) != PB_OK || !s->src) {
        char buf[512];
        if (s->src == NULL && !rerr)
            snprintf(buf, sizeof buf, "%s: schema file is %zu bytes, over the limit of %zu (--max-file-size)",
                     path, size, cap);
        else
            snprintf(buf, sizeof buf, "%s", rerr ? rerr : "cannot read schema file");
        *err = strdup(buf);
        pb_schema_free(s);
        return NULL;
    }
    pb_catalog_init(&s->cat, s->arena);
    if (s->src->first_nul < s->src->len)
        on_error(s, (uint32_t)s->src->first_nul, "NUL byte (read as a space)");
    /* a dump is plain SQL run by psql: meta-commands and COPY data are
       erased by the plain-SQL reader, explicit BEGIN/COMMIT are statements */
    pb_migration_set set = {0};
    pb_framework_split_source(s->arena, PB_FW_PLAIN, s->src, &set, "", path);
    for (size_t m = 0; m < set.len; m++)
        pb_lint__replay_part(set.items[m]->up, &s->cat, SIZE_MAX, on_error, s);
    return s;
}

const char *pb_schema_problem(const pb_schema *s, size_t i)
{
    return s && i < s->nproblems ? s->problems[i] : NULL;
}

size_t pb_schema_ntables(const pb_schema *s)
{
    return s ? s->cat.ntables : 0;
}

const pb_catalog *pb_schema__catalog(const pb_schema *s)
{
    return &s->cat;
}

void pb_schema_free(pb_schema *s)
{
    if (!s)
        return;
    pb_arena_free(s->arena);
    free(s);
}
