/* foreign-key-without-index: a foreign key whose referencing columns lead
 * no index of their table, known from the catalog (any earlier statement or
 * migration) or created later in the same part. Quiet in down parts (they
 * restore an earlier schema) and for temporary tables. */
#include "rules/rule.h"
#include "rules/rule_util.h"

#include <string.h>

/* The best index for the look-up by a foreign key's columns: how many of
 * its leading columns the look-up can use (`n` = all of them). */
typedef struct coverage {
    const char *const *cols; /* the foreign key's columns */
    size_t n;
    size_t best;
    const char *const *icols; /* the best index's columns */
} coverage;

static void consider(coverage *cv, const char *const *icols, size_t ni)
{
    size_t k = pb_index_lead_count(icols, ni, cv->cols, cv->n);
    if (k > cv->best) {
        cv->best = k;
        cv->icols = icols;
    }
}

/* Indexes that ops after the current one in this part create on `rel`. */
static void later_indexes(const pb_rule_ctx *ctx, pb_qname rel, coverage *cv)
{
    for (size_t i = ctx->op_index + 1; i < ctx->ops->len && cv->best < cv->n; i++) {
        const pb_op *o = ctx->ops->items[i];
        const char *const *icols;
        size_t ni;
        if (o->kind == PB_OP_CREATE_INDEX && !o->partial)
            icols = o->con_columns, ni = o->ncon_columns;
        else if (o->kind == PB_OP_ADD_CONSTRAINT &&
                 (o->con_kind == PB_CON_PRIMARY_KEY || o->con_kind == PB_CON_UNIQUE))
            icols = o->con_columns, ni = o->ncon_columns;
        else if (o->kind == PB_OP_ADD_COLUMN && o->col && o->col->name &&
                 (o->col->primary_key || o->col->unique))
            icols = (const char *const *)&o->col->name, ni = 1;
        else
            continue;
        if (pb_index_lead_count(icols, ni, cv->cols, cv->n) > cv->best && pb_qname_match(o->rel, rel))
            consider(cv, icols, ni);
    }
}

/* The keys of a CREATE TABLE statement: inline PRIMARY KEY / UNIQUE
 * columns and table-level ones, read from its text (the catalog sees only
 * the inline ones). */
static void statement_keys(const pb_rule_ctx *ctx, const pb_op *create, const pb_sql_table_item *items,
                           size_t ni, coverage *cv)
{
    for (size_t k = 0; k < ni; k++)
        if (items[k].kind == PB_CON_PRIMARY_KEY || items[k].kind == PB_CON_UNIQUE)
            consider(cv, items[k].columns, items[k].ncolumns);
    for (size_t c = 0; c < create->ncolumns; c++) {
        const pb_column *col = create->columns[c];
        if (col->name && (col->primary_key || col->unique))
            consider(cv, (const char *const *)&col->name, 1);
    }
}

/* Table-level keys of the CREATE TABLE of `rel` earlier in this part. */
static void created_keys(const pb_rule_ctx *ctx, pb_qname rel, coverage *cv)
{
    if (!pb_rule_table_is_new(ctx, rel))
        return;
    for (size_t i = ctx->op_index; i-- > 0;) {
        const pb_op *o = ctx->ops->items[i];
        if (o->kind != PB_OP_CREATE_TABLE || !pb_qname_match(o->rel, rel))
            continue;
        pb_sql_table_item *items;
        size_t ni = pb_sql_table_items(ctx->arena, ctx->src, o->span.start, o->span.end, &items);
        statement_keys(ctx, o, items, ni, cv);
        return;
    }
}

static void catalog_indexes(const pb_rule_ctx *ctx, pb_qname rel, coverage *cv)
{
    const pb_cat_index *x;
    size_t i = 0;
    while (cv->best < cv->n && (x = pb_catalog_table_index(ctx->cat, rel, &i)))
        consider(cv, (const char *const *)x->columns, x->ncolumns);
}

static void report(pb_rule_ctx *ctx, const pb_op *op, pb_span span, pb_qname rel, const char *name,
                   const coverage *cv, pb_qname ref, bool new_table)
{
    pb_arena *a = ctx->arena;
    const char *const *cols = cv->cols;
    size_t n = cv->n;
    const char *list = "";
    for (size_t i = 0; i < n; i++)
        list = pb_arena_sprintf(a, "%s%s%s", list, i ? ", " : "",
                                pb_rule_name(ctx, (pb_qname){.name = cols[i]}));
    const char *iname = pb_sql_ident(a, pb_sql_default_name(a, rel.name, cols, n, "idx"));
    const char *tq = pb_sql_qname(a, rel);
    const char *help =
        new_table
            ? pb_arena_sprintf(
                  a, "index the referencing column%s in the same migration: CREATE INDEX %s ON %s (%s);",
                  n > 1 ? "s" : "", iname, tq, pb_sql_ident_list(a, cols, n))
            : pb_arena_sprintf(a,
                               "index the referencing column%s, outside a transaction block: CREATE INDEX "
                               "CONCURRENTLY %s ON %s (%s);",
                               n > 1 ? "s" : "", iname, tq, pb_sql_ident_list(a, cols, n));
    const char *refname = ref.name ? pb_rule_name(ctx, ref) : "the referenced table";
    const char *fk = pb_arena_sprintf(a, "foreign key %s%son %s (%s)",
                                      name ? pb_rule_name(ctx, (pb_qname){.name = name}) : "",
                                      name ? " " : "", pb_rule_name(ctx, rel), list);
    const char *how;
    if (cv->best == 0) {
        how = "with a full table scan";
    } else {
        const char *part = "";
        for (size_t i = 0; i < cv->best; i++)
            part = pb_arena_sprintf(a, "%s%s%s", part, i ? ", " : "",
                                    pb_rule_name(ctx, (pb_qname){.name = cv->icols[i]}));
        how = pb_arena_sprintf(a, "through an index on %s only, reading every row with the same %s", part,
                               part);
    }
    pb_rule_report(
        ctx, op, span, help,
        "%s has no index that starts with %s: each DELETE from %s, and each UPDATE of a referenced "
        "key, looks up the matching rows of %s %s (ON DELETE CASCADE and SET NULL find them the same "
        "way)",
        fk, n > 1 ? "all its columns" : "its column", refname, pb_rule_name(ctx, rel), how);
}

/* CREATE TABLE: inline REFERENCES and table-level FOREIGN KEYs, covered by
 * the statement's own keys or later indexes. */
static void create_table(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->temp || op->partition_of || (op->if_not_exists && pb_catalog_table(ctx->cat, op->rel)))
        return;
    pb_sql_table_item *items;
    size_t ni = pb_sql_table_items(ctx->arena, ctx->src, op->span.start, op->span.end, &items);
    for (size_t c = 0; c < op->ncolumns; c++) {
        const pb_column *col = op->columns[c];
        if (!col->references || !col->name)
            continue;
        coverage cv = {.cols = (const char *const *)&col->name, .n = 1};
        statement_keys(ctx, op, items, ni, &cv);
        later_indexes(ctx, op->rel, &cv);
        if (cv.best == cv.n)
            continue;
        pb_span span = op->focus;
        for (size_t k = 0; k < ni; k++)
            if (items[k].kind == PB_CON_NONE && items[k].name && strcmp(items[k].name, col->name) == 0)
                span = items[k].span;
        report(ctx, op, span, op->rel, NULL, &cv, col->ref, true);
    }
    for (size_t f = 0; f < ni; f++) {
        const pb_sql_table_item *fk = &items[f];
        if (fk->kind != PB_CON_FOREIGN_KEY)
            continue;
        coverage cv = {.cols = fk->columns, .n = fk->ncolumns};
        statement_keys(ctx, op, items, ni, &cv);
        later_indexes(ctx, op->rel, &cv);
        if (cv.best < cv.n)
            report(ctx, op, fk->span, op->rel, fk->name, &cv, fk->ref, true);
    }
}

void pb_rule__foreign_key_without_index(pb_rule_ctx *ctx, const pb_op *op)
{
    if (ctx->st->down)
        return;
    if (op->kind == PB_OP_CREATE_TABLE) {
        create_table(ctx, op);
        return;
    }
    coverage cv = {0};
    pb_qname ref;
    const char *name = NULL;
    if (op->kind == PB_OP_ADD_CONSTRAINT && op->con_kind == PB_CON_FOREIGN_KEY && op->ncon_columns) {
        cv.cols = op->con_columns;
        cv.n = op->ncon_columns;
        ref = op->ref;
        name = op->con_name;
    } else if (op->kind == PB_OP_ADD_COLUMN && op->col && op->col->references && op->col->name &&
               !op->col->primary_key && !op->col->unique) {
        cv.cols = (const char *const *)&op->col->name;
        cv.n = 1;
        ref = op->col->ref;
    } else {
        return;
    }
    const pb_cat_table *t = pb_catalog_table(ctx->cat, op->rel);
    if (t && t->kind != PB_REL_TABLE)
        return;
    catalog_indexes(ctx, op->rel, &cv);
    if (cv.best < cv.n)
        created_keys(ctx, op->rel, &cv);
    if (cv.best < cv.n)
        later_indexes(ctx, op->rel, &cv);
    if (cv.best < cv.n)
        report(ctx, op, op->focus, op->rel, name, &cv, ref, pb_rule_table_is_new(ctx, op->rel));
}
