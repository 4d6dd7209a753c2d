/* cluster: CLUSTER rewrites the table under ACCESS EXCLUSIVE. Quiet for
 * tables created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__cluster(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_CLUSTER || pb_rule_table_is_new(ctx, op->rel))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    if (!f.rewrite)
        return;
    const char *help = "there is no online CLUSTER: run it in a maintenance window outside the deploy's "
                       "migrations, with lock_timeout set";
    if (op->rel.name)
        pb_rule_report(
            ctx, op, op->focus, help,
            "CLUSTER rewrites %s in index order, with all its indexes (table rewrite), under %s %s lock, "
            "which %s for the whole rewrite",
            pb_rule_name(ctx, op->rel), pb_lock_article(f.lock), pb_lock_mode_name(f.lock),
            pb_lock_blocks_text(f.lock));
    else
        pb_rule_report(
            ctx, op, op->focus, help,
            "CLUSTER without a table rewrites every previously clustered table of the database, one at a "
            "time (table rewrite), each under %s %s lock, which %s of that table for its whole rewrite",
            pb_lock_article(f.lock), pb_lock_mode_name(f.lock), pb_lock_blocks_text(f.lock));
}
