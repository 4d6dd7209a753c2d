/* refresh-matview-non-concurrent: REFRESH MATERIALIZED VIEW without
 * CONCURRENTLY blocks every read of the view. Quiet for materialized views
 * created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__refresh_matview_non_concurrent(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_REFRESH_MATVIEW || op->concurrently || pb_rule_table_is_new(ctx, op->rel))
        return;
    pb_fact f, conc;
    pb_rule_facts(ctx, op, &f);
    pb_facts_row(PB_FACT_REFRESH_MATVIEW_CONCURRENTLY, ctx->pg_version, &conc);
    const char *help =
        pb_arena_sprintf(ctx->arena,
                         "REFRESH MATERIALIZED VIEW CONCURRENTLY %s; takes %s %s lock, which %s; it "
                         "needs a UNIQUE index on plain columns of the view, without WHERE, and a "
                         "populated view",
                         pb_sql_qname(ctx->arena, op->rel), pb_lock_article(conc.lock),
                         pb_lock_mode_name(conc.lock), pb_lock_blocks_text(conc.lock));
    pb_rule_report(ctx, op, op->focus, help,
                   "REFRESH MATERIALIZED VIEW %s recomputes the view under %s %s lock on it, which %s: every "
                   "SELECT from the view waits until the refresh commits",
                   pb_rule_name(ctx, op->rel), pb_lock_article(f.lock), pb_lock_mode_name(f.lock),
                   pb_lock_blocks_text(f.lock));
}
