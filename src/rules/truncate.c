/* truncate: TRUNCATE deletes every row under ACCESS EXCLUSIVE and is not
 * MVCC-safe. Quiet for tables created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__truncate(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_TRUNCATE || !op->rel.name || pb_rule_table_is_new(ctx, op->rel))
        return;
    pb_fact f, del;
    pb_rule_facts(ctx, op, &f);
    pb_facts_row(PB_FACT_UPDATE_DELETE, ctx->pg_version, &del);
    const char *tbl = pb_sql_qname(ctx->arena, op->rel);
    const char *help =
        pb_arena_sprintf(ctx->arena,
                         "if the rows must go, delete them in batches, one transaction each (%s %s "
                         "lock, MVCC-safe): DELETE FROM %s WHERE ctid IN (SELECT ctid FROM %s LIMIT "
                         "5000);",
                         pb_lock_article(del.lock), pb_lock_mode_name(del.lock), tbl, tbl);
    pb_rule_report(
        ctx, op, op->focus, help,
        "TRUNCATE %s deletes every row%s, which rolling back the deploy cannot bring back, under %s %s "
        "lock, which %s; it is not MVCC-safe: transactions with an older snapshot see the table empty",
        pb_rule_name(ctx, op->rel),
        op->cascade ? " (and with CASCADE every row of the tables that reference it)" : "",
        pb_lock_article(f.lock), pb_lock_mode_name(f.lock), pb_lock_blocks_text(f.lock));
}
