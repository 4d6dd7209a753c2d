/* detach-partition-non-concurrent: DETACH PARTITION without CONCURRENTLY
 * (PostgreSQL 14+) takes ACCESS EXCLUSIVE on the parent. Quiet for parents
 * created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__detach_partition_non_concurrent(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_ALTER_TABLE_OTHER || op->at != PB_AT_DETACH_PARTITION || op->concurrently ||
        pb_rule_table_is_new(ctx, op->rel))
        return;
    pb_fact f, conc;
    pb_rule_facts(ctx, op, &f);
    pb_arena *a = ctx->arena;
    const char *help;
    if (pb_facts_row(PB_FACT_DETACH_PARTITION_CONCURRENTLY, ctx->pg_version, &conc))
        help = pb_arena_sprintf(
            a,
            "ALTER TABLE %s DETACH PARTITION %s CONCURRENTLY; in its own migration outside a "
            "transaction block: it takes %s %s lock on the %s, which %s; it is not allowed with "
            "a DEFAULT partition, and an interrupted one is finished with ALTER TABLE %s DETACH "
            "PARTITION %s FINALIZE;",
            pb_sql_qname(a, op->rel), pb_sql_qname(a, op->obj), pb_lock_article(conc.lock),
            pb_lock_mode_name(conc.lock), conc.target, pb_lock_blocks_text(conc.lock),
            pb_sql_qname(a, op->rel), pb_sql_qname(a, op->obj));
    else
        help = "detach it when the table is quiet, with lock_timeout set";
    pb_rule_report(
        ctx, op, op->focus, help,
        "DETACH PARTITION %s takes %s %s lock on the %s %s, which %s of the whole partitioned table",
        pb_rule_name(ctx, op->obj), pb_lock_article(f.lock), pb_lock_mode_name(f.lock), f.target,
        pb_rule_name(ctx, op->rel), pb_lock_blocks_text(f.lock));
}
