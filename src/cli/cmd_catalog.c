/* `pgbelay catalog`: replays a migration set (optionally on top of a
 * --schema dump) and prints the schema pgbelay believes it builds, as text
 * or as JSON (the form documented in docs/catalog.md, which
 * tests/pg/facts.py compares with a real PostgreSQL). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "cli/cli.h"
#include "cli/setargs.h"
#include "lint/lint.h"

static const pb_opt_doc opts[] = {
    {{"format", required_argument, NULL, 'f'}, "FORMAT", "output format: text (default), json"},
    {{"framework", required_argument, NULL, 'w'}, "NAME", "migration tool (default: detected)"},
    {{"pg-version", required_argument, NULL, 'p'},
     "N",
     "PostgreSQL major version of the target server, 11-17 (default 15)"},
    {{"schema", required_argument, NULL, 'D'},
     "FILE",
     "the schema the migrations start from: pg_dump --schema-only output or a Rails structure.sql"},
    {{"help", no_argument, NULL, 'h'}, NULL, "show this help"},
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void catalog_usage(FILE *f)
{
    fprintf(f, "usage: pgbelay catalog [options] PATH...\n\n"
               "Replays the migrations (up parts, in the order the tool runs them) and prints\n"
               "the schema they build: schemas, tables, views and materialized views with\n"
               "their columns and constraints, indexes, sequences and enum types. For a\n"
               "directory, every migration in it; for a file, the migrations of its directory\n"
               "up to and including that file. The JSON form is documented in docs/catalog.md.\n\n"
               "options:\n");
    pb_cli_print_options(f, opts, NOPTS);
    fprintf(f, "\nexit codes: 0 printed, 2 usage or input error (syntax errors are reported on\n"
               "stderr and the rest is still replayed)\n");
}

static int cmp_qname(pb_qname x, pb_qname y)
{
    int c = strcmp(x.schema ? x.schema : "", y.schema ? y.schema : "");
    return c ? c : strcmp(x.name ? x.name : "", y.name ? y.name : "");
}

static int cmp_table(const void *x, const void *y)
{
    return cmp_qname((*(const pb_cat_table *const *)x)->name, (*(const pb_cat_table *const *)y)->name);
}
static int cmp_index(const void *x, const void *y)
{
    return cmp_qname((*(const pb_cat_index *const *)x)->name, (*(const pb_cat_index *const *)y)->name);
}
static int cmp_seq(const void *x, const void *y)
{
    return cmp_qname((*(const pb_cat_sequence *const *)x)->name, (*(const pb_cat_sequence *const *)y)->name);
}
static int cmp_enum(const void *x, const void *y)
{
    return cmp_qname((*(const pb_cat_enum *const *)x)->name, (*(const pb_cat_enum *const *)y)->name);
}
static int cmp_schema(const void *x, const void *y)
{
    return strcmp((*(const pb_cat_object *const *)x)->name, (*(const pb_cat_object *const *)y)->name);
}

static json_t *strs(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i] ? v[i] : ""));
    return a;
}

static json_t *opt_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *qname_json(pb_arena *a, pb_qname q)
{
    return q.name ? json_string(pb_qname_str(a, q)) : json_null();
}

static const char *kind_name(pb_rel_kind k)
{
    return k == PB_REL_VIEW ? "view" : k == PB_REL_MATVIEW ? "materialized view" : "table";
}

/* The column type as PostgreSQL stores it: serial types are integers. */
static pb_type stored_type(const pb_type *t)
{
    pb_type s = *t;
    if (t->serial && t->name) {
        s.name = !strcmp(t->name, "bigserial") || !strcmp(t->name, "serial8")     ? "int8"
                 : !strcmp(t->name, "smallserial") || !strcmp(t->name, "serial2") ? "int2"
                                                                                  : "int4";
        s.serial = false;
    }
    return s;
}

static json_t *type_json(pb_arena *a, const pb_type *t)
{
    pb_type s = stored_type(t);
    json_t *mods = json_array();
    for (int i = 0; i < s.nmods && i < 2; i++)
        json_array_append_new(mods, json_integer(s.mods[i]));
    return json_pack("{s:s, s:o, s:o, s:o, s:i}", "sql", pb_type_str(a, &s), "name", opt_str(s.name),
                     "schema", opt_str(s.schema), "typmods", s.nmods < 0 ? json_null() : mods, "array_dims",
                     (json_int_t)s.array_dims);
}

static json_t *table_json(pb_arena *a, const pb_cat_table *t)
{
    json_t *j = json_object();
    json_object_set_new(j, "schema", opt_str(t->name.schema));
    json_object_set_new(j, "name", json_string(t->name.name));
    json_object_set_new(j, "kind", json_string(kind_name(t->kind)));
    json_t *cols = json_array();
    for (size_t i = 0; i < t->columns.len; i++) {
        const pb_cat_column *c = t->columns.items[i];
        json_array_append_new(cols, json_pack("{s:s, s:o, s:b, s:b, s:o, s:b}", "name", c->name, "type",
                                              c->type.name ? type_json(a, &c->type) : json_null(), "serial",
                                              c->type.serial, "not_null", c->not_null, "default",
                                              c->has_default ? json_pack("{s:s}", "volatility",
                                                                         pb_volatility_name(c->default_vol))
                                                             : json_null(),
                                              "generated", c->generated));
    }
    json_object_set_new(j, "columns", cols);
    json_t *cons = json_array();
    for (size_t i = 0; i < t->constraints.len; i++) {
        const pb_cat_constraint *c = t->constraints.items[i];
        json_array_append_new(cons, json_pack("{s:s, s:s, s:o, s:o, s:b}", "name", c->name, "kind",
                                              pb_constraint_kind_name(c->kind), "columns",
                                              strs(c->columns, c->ncolumns), "references",
                                              qname_json(a, c->ref), "validated", c->validated));
    }
    json_object_set_new(j, "constraints", cons);
    json_object_set_new(j, "partition_by",
                        t->partitioned
                            ? json_pack("{s:o, s:o}", "strategy", opt_str(t->partition_strategy), "columns",
                                        strs(t->partition_columns, t->npartition_columns))
                            : json_null());
    json_object_set_new(j, "partition_of", qname_json(a, t->parent));
    json_t *reads = json_array();
    for (size_t i = 0; i < t->nreads; i++)
        json_array_append_new(reads, qname_json(a, t->reads[i]));
    json_object_set_new(j, "reads", reads);
    return j;
}

static json_t *catalog_json(pb_arena *a, const pb_catalog *cat)
{
    json_t *doc = json_object();
    const void **items;
    size_t n = pb_catalog_list(a, cat, PB_CAT_LIST_SCHEMAS, &items);
    qsort(items, n, sizeof *items, cmp_schema);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(((const pb_cat_object *)items[i])->name));
    json_object_set_new(doc, "schemas", arr);

    n = pb_catalog_list(a, cat, PB_CAT_LIST_TABLES, &items);
    qsort(items, n, sizeof *items, cmp_table);
    arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, table_json(a, items[i]));
    json_object_set_new(doc, "relations", arr);

    n = pb_catalog_list(a, cat, PB_CAT_LIST_INDEXES, &items);
    qsort(items, n, sizeof *items, cmp_index);
    arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const pb_cat_index *x = items[i];
        json_array_append_new(arr, json_pack("{s:o, s:s, s:o, s:b, s:o}", "schema", opt_str(x->name.schema),
                                             "name", x->name.name, "table", qname_json(a, x->table), "unique",
                                             x->unique, "columns", strs(x->columns, x->ncolumns)));
    }
    json_object_set_new(doc, "indexes", arr);

    n = pb_catalog_list(a, cat, PB_CAT_LIST_SEQUENCES, &items);
    qsort(items, n, sizeof *items, cmp_seq);
    arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const pb_cat_sequence *x = items[i];
        json_array_append_new(arr,
                              json_pack("{s:o, s:s, s:o, s:o, s:o, s:b}", "schema", opt_str(x->name.schema),
                                        "name", x->name.name, "type",
                                        x->type.name ? json_string(pb_type_str(a, &x->type)) : json_null(),
                                        "owned_by", qname_json(a, x->owner), "owned_by_column",
                                        opt_str(x->owner_column), "implicit", x->implicit));
    }
    json_object_set_new(doc, "sequences", arr);

    n = pb_catalog_list(a, cat, PB_CAT_LIST_ENUMS, &items);
    qsort(items, n, sizeof *items, cmp_enum);
    arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const pb_cat_enum *x = items[i];
        json_array_append_new(arr, json_pack("{s:o, s:s, s:o}", "schema", opt_str(x->name.schema), "name",
                                             x->name.name, "values", strs(x->values, x->nvalues)));
    }
    json_object_set_new(doc, "enums", arr);
    return doc;
}

static void print_text(pb_arena *a, const pb_catalog *cat)
{
    const void **items;
    size_t n = pb_catalog_list(a, cat, PB_CAT_LIST_SCHEMAS, &items);
    qsort(items, n, sizeof *items, cmp_schema);
    for (size_t i = 0; i < n; i++)
        printf("schema %s\n", ((const pb_cat_object *)items[i])->name);
    n = pb_catalog_list(a, cat, PB_CAT_LIST_TABLES, &items);
    qsort(items, n, sizeof *items, cmp_table);
    for (size_t i = 0; i < n; i++) {
        const pb_cat_table *t = items[i];
        printf("%s %s", kind_name(t->kind), pb_qname_str(a, t->name));
        if (t->partitioned)
            printf(" partitioned by %s", t->partition_strategy ? t->partition_strategy : "?");
        if (t->parent.name)
            printf(" partition of %s", pb_qname_str(a, t->parent));
        printf("\n");
        for (size_t k = 0; k < t->columns.len; k++) {
            const pb_cat_column *c = t->columns.items[k];
            pb_type s = stored_type(&c->type);
            printf("  column %s %s%s%s%s\n", c->name, c->type.name ? pb_type_str(a, &s) : "?",
                   c->not_null ? " NOT NULL" : "", c->has_default ? " DEFAULT" : "",
                   c->generated ? " GENERATED" : "");
        }
        for (size_t k = 0; k < t->constraints.len; k++) {
            const pb_cat_constraint *c = t->constraints.items[k];
            printf("  constraint %s %s (", c->name, pb_constraint_kind_name(c->kind));
            for (size_t m = 0; m < c->ncolumns; m++)
                printf("%s%s", m ? ", " : "", c->columns[m]);
            printf(")");
            if (c->ref.name)
                printf(" REFERENCES %s", pb_qname_str(a, c->ref));
            printf("%s\n", c->validated ? "" : " NOT VALID");
        }
    }
    n = pb_catalog_list(a, cat, PB_CAT_LIST_INDEXES, &items);
    qsort(items, n, sizeof *items, cmp_index);
    for (size_t i = 0; i < n; i++) {
        const pb_cat_index *x = items[i];
        printf("%sindex %s on %s (", x->unique ? "unique " : "", pb_qname_str(a, x->name),
               pb_qname_str(a, x->table));
        for (size_t m = 0; m < x->ncolumns; m++)
            printf("%s%s", m ? ", " : "", x->columns[m]);
        printf(")\n");
    }
    n = pb_catalog_list(a, cat, PB_CAT_LIST_SEQUENCES, &items);
    qsort(items, n, sizeof *items, cmp_seq);
    for (size_t i = 0; i < n; i++) {
        const pb_cat_sequence *x = items[i];
        printf("sequence %s", pb_qname_str(a, x->name));
        if (x->type.name)
            printf(" as %s", pb_type_str(a, &x->type));
        if (x->owner.name)
            printf(" owned by %s.%s", pb_qname_str(a, x->owner), x->owner_column ? x->owner_column : "?");
        printf("\n");
    }
    n = pb_catalog_list(a, cat, PB_CAT_LIST_ENUMS, &items);
    qsort(items, n, sizeof *items, cmp_enum);
    for (size_t i = 0; i < n; i++) {
        const pb_cat_enum *x = items[i];
        printf("enum %s (", pb_qname_str(a, x->name));
        for (size_t m = 0; m < x->nvalues; m++)
            printf("%s'%s'", m ? ", " : "", x->values[m]);
        printf(")\n");
    }
}

typedef struct err_ctx {
    const pb_part *part;
    bool any;
} err_ctx;

static void on_error(void *ud, uint32_t offset, const char *message)
{
    err_ctx *e = ud;
    pb_cli_error("%s:%u: %s", e->part->src->path, pb_source__line_index(e->part->src, offset) + 1, message);
    e->any = true;
}

int pb_cmd_catalog(int argc, char **argv)
{
    pb_cli_setargs sa = {0};
    sa.fw = PB_FW_PLAIN;
    int r = pb_cli_setargs_parse(&sa, argc, argv, opts, NOPTS, "catalog", catalog_usage);
    if (r <= 0)
        return r < 0 ? PB_EXIT_ERROR : PB_EXIT_OK;
    int status = PB_EXIT_OK;
    json_t *sets = json_array();
    for (int ai = optind; ai < argc; ai++) {
        pb_cli_set s;
        if (!pb_cli_load_set(&sa, argv[ai], &s)) {
            status = PB_EXIT_ERROR;
            continue;
        }
        if (s.failed)
            status = PB_EXIT_ERROR;
        pb_catalog *cat = pb_lint__start_catalog(&sa.opt, s.arena);
        /* a file: stop after it; a directory: every migration (rank 2 files are not migrations) */
        size_t last = s.set.len;
        if (s.targets.n == 1)
            for (size_t m = 0; m < s.set.len; m++)
                if (pb_cli_set_is_target(&s, s.set.items[m]))
                    last = m + 1;
        size_t replayed = 0;
        for (size_t m = 0; m < last; m++) {
            const pb_migration *mig = s.set.items[m];
            if (mig->rank >= 2)
                continue;
            err_ctx e = {mig->up, false};
            pb_lint__replay_part(mig->up, cat, m, on_error, &e);
            replayed++;
        }
        pb_catalog_end_session(cat);
        if (sa.json) {
            json_t *j = catalog_json(s.arena, cat);
            json_t *head = json_pack("{s:s, s:s, s:i}", "path", argv[ai], "framework",
                                     pb_framework_name(s.set.framework), "migrations", (json_int_t)replayed);
            json_object_update(head, j);
            json_decref(j);
            json_array_append_new(sets, head);
        } else {
            printf("-- %s (%s, %zu migrations)\n", argv[ai], pb_framework_name(s.set.framework), replayed);
            print_text(s.arena, cat);
        }
        pb_cli_set_release(&s);
    }
    if (sa.json) {
        json_t *doc = json_pack("{s:s, s:o}", "format", "pgbelay-catalog/1", "sets", sets);
        char *out = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (out) {
            fputs(out, stdout);
            fputc('\n', stdout);
            free(out);
        }
        json_decref(doc);
    } else {
        json_decref(sets);
    }
    fflush(stdout);
    pb_cli_setargs_release(&sa);
    pb_thread_cleanup();
    return status;
}
