/* add-column-not-null-no-default: ADD COLUMN ... NOT NULL without a default
 * (facts: ADD_COLUMN_NOT_NULL_NO_DEFAULT) scans the table and fails as soon
 * as it has a row. Quiet for tables known to be empty: created earlier in
 * the part, or emptied earlier in the same transaction. */
#include "rules/rule.h"
#include "rules/rule_util.h"

#include <string.h>

/* Statements that may write rows into a table the IR does not name. */
static bool may_write_unseen(const pb_op *o)
{
    if (o->kind != PB_OP_OTHER || !o->stmt_kind)
        return false;
    return !strcmp(o->stmt_kind, "CopyStmt") || !strcmp(o->stmt_kind, "DoStmt") ||
           !strcmp(o->stmt_kind, "CallStmt") || !strcmp(o->stmt_kind, "SelectStmt") ||
           !strcmp(o->stmt_kind, "ExecuteStmt");
}

/* Was `rel` TRUNCATEd (or emptied by a DELETE without WHERE) earlier in the
 * transaction the op runs in, with no row written to it since? The
 * transaction holds the ACCESS EXCLUSIVE lock of the TRUNCATE until it
 * ends, so no other session can add rows in between. */
static bool emptied_in_tx(const pb_rule_ctx *ctx, pb_qname rel)
{
    if (!ctx->st->in_tx)
        return false;
    size_t lo, hi;
    pb_rule_tx_range(ctx, 10000, &lo, &hi);
    for (size_t i = ctx->op_index; i-- > lo;) {
        const pb_op *o = ctx->ops->items[i];
        if (may_write_unseen(o))
            return false;
        if (!pb_qname_match(o->rel, rel))
            continue;
        if (o->kind == PB_OP_TRUNCATE || (o->kind == PB_OP_DELETE && !o->has_where))
            return true;
        if (o->kind == PB_OP_INSERT)
            return false;
    }
    return false;
}

static bool has_key(const pb_fact *f, pb_fact_key k)
{
    for (int i = 0; i < f->nkeys; i++)
        if (f->keys[i] == k)
            return true;
    return false;
}

void pb_rule__add_column_not_null_no_default(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_ADD_COLUMN || !op->col || pb_rule_table_is_new(ctx, op->rel) ||
        emptied_in_tx(ctx, op->rel))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    if (!has_key(&f, PB_FACT_ADD_COLUMN_NOT_NULL_NO_DEFAULT))
        return;
    pb_arena *a = ctx->arena;
    const pb_column *c = op->col;
    const char *colname = c->name ? c->name : "?";
    const char *tbl = pb_sql_qname(a, op->rel);
    const char *col = pb_sql_ident(a, colname);
    /* is a non-volatile default catalog-only on this version? */
    pb_fact fd;
    bool fast = pb_facts_row(PB_FACT_ADD_COLUMN_DEFAULT, ctx->pg_version, &fd) && !fd.rewrite && !fd.scan;
    const char *help = pb_arena_sprintf(
        a,
        "ALTER TABLE %s ADD COLUMN %s %s NOT NULL DEFAULT <value>;%s or add it nullable, backfill it in "
        "batches, "
        "and set NOT NULL later (see set-not-null-scans)",
        tbl, col, pb_sql_type(a, &c->type),
        fast ? " (a non-volatile default is stored in the catalog: no rewrite, no scan)" : "");
    pb_rule_report(
        ctx, op, op->focus, help,
        "ADD COLUMN %s %s without a DEFAULT checks the table (full table scan) under %s %s lock, which "
        "%s, and fails with \"column \"%s\" of relation \"%s\" contains null values\" as soon as %s "
        "has a row",
        pb_rule_name(ctx, (pb_qname){.name = colname}),
        c->primary_key ? "PRIMARY KEY (which implies NOT NULL)" : "NOT NULL", pb_lock_article(f.lock),
        pb_lock_mode_name(f.lock), pb_lock_blocks_text(f.lock), colname, op->rel.name ? op->rel.name : "?",
        pb_rule_name(ctx, op->rel));
}
