/* rename-column: RENAME COLUMN breaks running code that uses the old name.
 * Quiet for tables created, and columns added, earlier in the part, and for
 * the two renames of a column swap in one transaction (a -> a_old and
 * a_new -> a: the name running code uses never goes away). */
#include <string.h>

#include "rules/rule.h"
#include "rules/rule_util.h"

/* Is `op` one half of a swap: another rename in the same transaction on
 * the same table takes its old name, or gave up its new one? */
static bool part_of_swap(const pb_rule_ctx *ctx, const pb_op *op)
{
    if (!ctx->st->in_tx)
        return false;
    size_t lo, hi;
    pb_rule_tx_range(ctx, 256, &lo, &hi);
    for (size_t i = lo; i < hi; i++) {
        const pb_op *o = ctx->ops->items[i];
        if (o == op || o->kind != PB_OP_RENAME_COLUMN || !o->column || !o->new_name ||
            !pb_qname_match(o->rel, op->rel))
            continue;
        if ((i > ctx->op_index && !strcmp(o->new_name, op->column)) ||
            (i < ctx->op_index && !strcmp(o->column, op->new_name)))
            return true;
    }
    return false;
}

void pb_rule__rename_column(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_RENAME_COLUMN || !op->column || !op->new_name)
        return;
    bool view = op->object_kind == PB_OBJ_VIEW || op->object_kind == PB_OBJ_MATVIEW;
    if ((view ? pb_rule_relation_is_new(ctx, op->rel) : pb_rule_table_is_new(ctx, op->rel)) ||
        pb_rule_column_is_new(ctx, op->rel, op->column) || part_of_swap(ctx, op))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    pb_arena *a = ctx->arena;
    const pb_cat_column *oc = pb_catalog_column(pb_catalog_table(ctx->cat, op->rel), op->column);
    const char *type = oc && oc->type.name ? pb_sql_type(a, &oc->type) : "<type>";
    const char *tbl = pb_sql_qname(a, op->rel);
    const char *help = pb_arena_sprintf(
        a,
        "expand and contract: ALTER TABLE %s ADD COLUMN %s %s; write both columns (application or trigger), "
        "backfill %s in batches, switch readers to it, then drop %s in a later release",
        tbl, pb_sql_ident(a, op->new_name), type, pb_sql_ident(a, op->new_name), pb_sql_ident(a, op->column));
    pb_rule_report(
        ctx, op, op->focus, help,
        "renaming column %s.%s to %s breaks running application code that still uses the old name, and "
        "takes %s %s lock on %s, which %s",
        pb_rule_name(ctx, op->rel), pb_rule_name(ctx, (pb_qname){.name = op->column}),
        pb_rule_name(ctx, (pb_qname){.name = op->new_name}), pb_lock_article(f.lock),
        pb_lock_mode_name(f.lock), pb_rule_name(ctx, op->rel), pb_lock_blocks_text(f.lock));
}
