/* create-index-non-concurrent: CREATE INDEX without CONCURRENTLY on an
 * existing table builds the index under a SHARE lock (blocks writes). */
#include "rules/rule.h"

void pb_rule__create_index_non_concurrent(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_CREATE_INDEX || op->concurrently)
        return;
    /* ON ONLY a partitioned parent builds nothing (the index stays invalid
       until the partitions' indexes are attached) */
    if (op->only || pb_rule_table_is_new(ctx, op->rel))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    pb_rule_report(ctx, op, op->span,
                   "use CREATE INDEX CONCURRENTLY, in its own migration outside a transaction block",
                   "CREATE INDEX builds the index under a %s lock on %s for the whole build, which %s",
                   pb_lock_mode_name(f.lock), pb_rule_name(ctx, op->rel), pb_lock_blocks_text(f.lock));
}
