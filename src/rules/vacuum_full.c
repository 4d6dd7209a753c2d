/* vacuum-full: VACUUM FULL rewrites the table under ACCESS EXCLUSIVE.
 * Quiet for tables created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__vacuum_full(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_VACUUM || !op->full || pb_rule_table_is_new(ctx, op->rel))
        return;
    pb_fact f, plain;
    pb_rule_facts(ctx, op, &f);
    if (!f.rewrite)
        return;
    pb_facts_row(PB_FACT_VACUUM, ctx->pg_version, &plain);
    const char *help = pb_arena_sprintf(
        ctx->arena,
        "use plain VACUUM%s%s; instead, which takes %s %s lock, which %s; if the "
        "table must shrink, schedule VACUUM FULL for a maintenance window outside "
        "the deploy",
        op->rel.name ? " " : "", op->rel.name ? pb_sql_qname(ctx->arena, op->rel) : "",
        pb_lock_article(plain.lock), pb_lock_mode_name(plain.lock), pb_lock_blocks_text(plain.lock));
    if (op->rel.name)
        pb_rule_report(
            ctx, op, op->focus, help,
            "VACUUM FULL rewrites %s and all its indexes (table rewrite) under %s %s lock, which %s for the "
            "whole rewrite",
            pb_rule_name(ctx, op->rel), pb_lock_article(f.lock), pb_lock_mode_name(f.lock),
            pb_lock_blocks_text(f.lock));
    else
        pb_rule_report(
            ctx, op, op->focus, help,
            "VACUUM FULL without a table rewrites every table of the database and its indexes, one at a "
            "time (table rewrite), each under %s %s lock, which %s of that table for its whole rewrite",
            pb_lock_article(f.lock), pb_lock_mode_name(f.lock), pb_lock_blocks_text(f.lock));
}
