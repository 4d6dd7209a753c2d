/* add-unique-builds-index: ADD UNIQUE / PRIMARY KEY / EXCLUDE (or an inline
 * UNIQUE / PRIMARY KEY in ADD COLUMN) builds its index under the ALTER
 * TABLE's ACCESS EXCLUSIVE lock. Quiet for USING INDEX and for tables
 * created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

#include <string.h>

static bool has_key(const pb_fact *f, pb_fact_key k)
{
    for (int i = 0; i < f->nkeys; i++)
        if (f->keys[i] == k)
            return true;
    return false;
}

/* A DROP CONSTRAINT in the same statement (replacing a key): the name it
 * drops, or NULL. */
static const char *dropped_in_stmt(const pb_rule_ctx *ctx, const pb_op *op, const char *name, bool pk)
{
    for (size_t i = ctx->op_index; i-- > 0 && ctx->ops->items[i]->stmt == op->stmt;) {
        const pb_op *o = ctx->ops->items[i];
        if (o->kind == PB_OP_DROP_CONSTRAINT && o->con_name && pb_qname_match(o->rel, op->rel) &&
            (pk || strcmp(o->con_name, name) == 0))
            return o->con_name;
    }
    return NULL;
}

/* The key columns that the same ALTER TABLE adds (ADD COLUMN): the index
 * cannot be built before they exist, so they must be added first. */
static const char *added_in_stmt(const pb_rule_ctx *ctx, const pb_op *op, const char *const *cols,
                                 size_t ncols)
{
    const char *list = NULL;
    for (size_t i = 0; i < ctx->ops->len; i++) {
        const pb_op *o = ctx->ops->items[i];
        if (o->stmt != op->stmt || o->kind != PB_OP_ADD_COLUMN || !o->column ||
            !pb_qname_match(o->rel, op->rel))
            continue;
        for (size_t k = 0; k < ncols; k++)
            if (cols[k] && strcmp(cols[k], o->column) == 0)
                list = list
                           ? pb_arena_sprintf(ctx->arena, "%s, %s", list, pb_sql_ident(ctx->arena, o->column))
                           : pb_sql_ident(ctx->arena, o->column);
    }
    return list;
}

static const char *attach_help(pb_rule_ctx *ctx, const pb_op *op, const char *const *cols, size_t ncols,
                               bool pk, const char *con_name, const char *prefix)
{
    pb_arena *a = ctx->arena;
    const char *added = added_in_stmt(ctx, op, cols, ncols);
    if (added)
        prefix = pb_arena_sprintf(a,
                                  "%sfirst add %s in an ALTER TABLE of its own (without the constraint), "
                                  "then ",
                                  prefix, added);
    const char *name = con_name ? con_name
                       : pk     ? pb_sql_default_name(a, op->rel.name, NULL, 0, "pkey")
                                : pb_sql_default_name(a, op->rel.name, cols, ncols, "key");
    const char *dropped = dropped_in_stmt(ctx, op, name, pk);
    /* the old constraint's index still holds the name until it is dropped;
       USING INDEX renames the new index to the constraint name */
    const char *index = dropped && strcmp(dropped, name) == 0 ? pb_arena_sprintf(a, "%.59s_new", name) : name;
    const char *ident = pb_sql_ident(a, name);
    const char *tbl = pb_sql_qname(a, op->rel);
    const char *drop = dropped ? pb_arena_sprintf(a, "DROP CONSTRAINT %s, ", pb_sql_ident(a, dropped)) : "";
    return pb_arena_sprintf(
        a,
        "%sCREATE UNIQUE INDEX CONCURRENTLY %s ON %s (%s); (in its own migration, outside a "
        "transaction block) then ALTER TABLE %s %sADD CONSTRAINT %s %s USING INDEX %s;%s",
        prefix, pb_sql_ident(a, index), tbl, ncols ? pb_sql_ident_list(a, cols, ncols) : "...", tbl, drop,
        ident, pk ? "PRIMARY KEY" : "UNIQUE", pb_sql_ident(a, index),
        pk ? " (make the columns NOT NULL first, or the PRIMARY KEY scans the table)" : "");
}

void pb_rule__add_unique_builds_index(pb_rule_ctx *ctx, const pb_op *op)
{
    bool add_con = op->kind == PB_OP_ADD_CONSTRAINT &&
                   (op->con_kind == PB_CON_UNIQUE || op->con_kind == PB_CON_PRIMARY_KEY ||
                    op->con_kind == PB_CON_EXCLUSION);
    bool add_col = op->kind == PB_OP_ADD_COLUMN && op->col && (op->col->unique || op->col->primary_key);
    if (!(add_con || add_col) || pb_rule_table_is_new(ctx, op->rel))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    if (add_con ? !f.index_build : !has_key(&f, PB_FACT_ADD_COLUMN_INDEX))
        return;
    const char *locktext =
        pb_arena_sprintf(ctx->arena, "%s %s lock on %s, which %s", pb_lock_article(f.lock),
                         pb_lock_mode_name(f.lock), pb_rule_name(ctx, op->rel), pb_lock_blocks_text(f.lock));
    if (add_con && op->con_kind == PB_CON_EXCLUSION) {
        pb_rule_report(
            ctx, op, op->focus,
            "an exclusion constraint cannot be attached to an index built concurrently: add it while the "
            "table is small, or in a maintenance window with lock_timeout set",
            "ADD CONSTRAINT ... EXCLUDE builds its index (full table scan and sort) under %s for the "
            "whole build",
            locktext);
        return;
    }
    if (add_con) {
        bool pk = op->con_kind == PB_CON_PRIMARY_KEY;
        pb_rule_report(ctx, op, op->focus,
                       attach_help(ctx, op, op->con_columns, op->ncon_columns, pk, op->con_name, ""),
                       "ADD %s builds its index (full table scan and sort) under %s for the whole build",
                       pk ? "PRIMARY KEY" : "UNIQUE", locktext);
        return;
    }
    const char *col = op->col->name ? op->col->name : "?";
    bool pk = op->col->primary_key;
    pb_rule_report(
        ctx, op, op->focus,
        attach_help(ctx, op, &col, 1, pk, NULL,
                    pk ? "add the column without PRIMARY KEY, then "
                       : "add the column without UNIQUE, then "),
        "ADD COLUMN %s %s builds its index (full table scan and sort) under %s for the whole build",
        pb_rule_name(ctx, (pb_qname){.name = col}), pk ? "PRIMARY KEY" : "UNIQUE", locktext);
}
