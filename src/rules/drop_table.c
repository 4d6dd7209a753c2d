/* drop-table: DROP TABLE destroys data and breaks running code that uses
 * the table. Quiet for tables created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__drop_table(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_DROP_TABLE || !op->rel.name || pb_rule_table_is_new(ctx, op->rel) ||
        pb_rule_undoes_own_up(ctx, op->rel, NULL))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    const char *other = f.other_lock ? pb_arena_sprintf(ctx->arena, " and on any %s", f.other_role) : "";
    pb_rule_report(
        ctx, op, op->focus,
        "first deploy code that no longer uses the table, then drop it in a later migration (after a "
        "backup, or after renaming it aside for a while)",
        "DROP TABLE %s destroys the table and its data, which rolling back the deploy cannot bring back, "
        "and breaks running code that still uses it; it takes %s %s lock on it%s%s, which %s",
        pb_rule_name(ctx, op->rel), pb_lock_article(f.lock), pb_lock_mode_name(f.lock), other,
        op->cascade ? " (with CASCADE also on the tables that reference it)" : "",
        pb_lock_blocks_text(f.lock));
}
