/* rename-table: RENAME TO of a table breaks running code that uses the old
 * name. Quiet for tables created earlier in the part, and when the same
 * transaction creates a view under the old name (the compatibility view of
 * expand and contract: reads and, for a simple view, writes keep working). */
#include "rules/rule.h"
#include "rules/rule_util.h"

static bool view_keeps_old_name(const pb_rule_ctx *ctx, const pb_op *op)
{
    if (!ctx->st->in_tx)
        return false;
    size_t lo, hi;
    pb_rule_tx_range(ctx, 256, &lo, &hi);
    for (size_t i = ctx->op_index + 1; i < hi; i++) {
        const pb_op *o = ctx->ops->items[i];
        if (o->kind == PB_OP_CREATE_VIEW && pb_qname_match(o->rel, op->rel))
            return true;
    }
    (void)lo;
    return false;
}

void pb_rule__rename_table(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_RENAME_TABLE || !op->rel.name || !op->new_name ||
        pb_rule_table_is_new(ctx, op->rel) || view_keeps_old_name(ctx, op))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    pb_arena *a = ctx->arena;
    pb_qname renamed = {.schema = op->rel.schema, .name = op->new_name};
    const char *help =
        pb_arena_sprintf(a,
                         "in one transaction: ALTER TABLE %s RENAME TO %s; CREATE VIEW %s AS SELECT * FROM "
                         "%s; (the view keeps the old "
                         "name working, including writes) and drop the view once no code uses the old name",
                         pb_sql_qname(a, op->rel), pb_sql_ident(a, op->new_name), pb_sql_qname(a, op->rel),
                         pb_sql_qname(a, renamed));
    pb_rule_report(
        ctx, op, op->focus, help,
        "renaming table %s to %s breaks running application code that still uses the old name, and takes "
        "%s %s lock on it, which %s",
        pb_rule_name(ctx, op->rel), pb_rule_name(ctx, (pb_qname){.name = op->new_name}),
        pb_lock_article(f.lock), pb_lock_mode_name(f.lock), pb_lock_blocks_text(f.lock));
}
