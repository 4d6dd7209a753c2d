/* drop-column: DROP COLUMN destroys data and breaks running code that uses
 * the column. One finding per statement, listing its dropped columns.
 * Quiet for tables created, and columns added, earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

static bool qualifies(const pb_rule_ctx *ctx, const pb_op *op)
{
    return op->kind == PB_OP_DROP_COLUMN && op->column && !pb_rule_table_is_new(ctx, op->rel) &&
           !pb_rule_column_is_new(ctx, op->rel, op->column) &&
           !pb_rule_undoes_own_up(ctx, op->rel, op->column);
}

void pb_rule__drop_column(pb_rule_ctx *ctx, const pb_op *op)
{
    if (!qualifies(ctx, op))
        return;
    for (size_t i = ctx->op_index; i-- > 0 && ctx->ops->items[i]->stmt == op->stmt;)
        if (qualifies(ctx, ctx->ops->items[i]) && pb_qname_match(ctx->ops->items[i]->rel, op->rel))
            return; /* reported with the first one */
    const char *cols = pb_rule_name(ctx, (pb_qname){.name = op->column});
    int n = 1;
    for (size_t i = ctx->op_index + 1; i < ctx->ops->len && ctx->ops->items[i]->stmt == op->stmt; i++) {
        const pb_op *o = ctx->ops->items[i];
        if (qualifies(ctx, o) && pb_qname_match(o->rel, op->rel)) {
            cols = pb_arena_sprintf(ctx->arena, "%s, %s", cols,
                                    pb_rule_name(ctx, (pb_qname){.name = o->column}));
            n++;
        }
    }
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    pb_rule_report(
        ctx, op, op->focus,
        n > 1 ? "first deploy code that no longer reads or writes these columns (remove them from ORM "
                "models), then drop them in a later migration; keep a copy of the data if it may be needed "
                "again"
              : "first deploy code that no longer reads or writes the column (remove it from ORM models), "
                "then drop it in a later migration; keep a copy of the data if it may be needed again",
        "dropping column%s %s of %s destroys %s data, which rolling back the deploy cannot bring back, "
        "and breaks running code that still reads or writes %s; it also takes %s %s lock on %s, which %s",
        n > 1 ? "s" : "", cols, pb_rule_name(ctx, op->rel), n > 1 ? "their" : "its", n > 1 ? "them" : "it",
        pb_lock_article(f.lock), pb_lock_mode_name(f.lock), pb_rule_name(ctx, op->rel),
        pb_lock_blocks_text(f.lock));
}
