/* add-column-not-null-no-default: ADD COLUMN ... NOT NULL without a default
 * (facts: ADD_COLUMN_NOT_NULL_NO_DEFAULT) scans the table and fails as soon
 * as it has a row. Quiet for tables created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

static bool has_key(const pb_fact *f, pb_fact_key k)
{
    for (int i = 0; i < f->nkeys; i++)
        if (f->keys[i] == k)
            return true;
    return false;
}

void pb_rule__add_column_not_null_no_default(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_ADD_COLUMN || !op->col || pb_rule_table_is_new(ctx, op->rel))
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
