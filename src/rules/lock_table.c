/* lock-table: an explicit LOCK TABLE in a mode that blocks writes (or
 * reads). Quiet for weaker modes and for tables created earlier in the
 * part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__lock_table(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_LOCK_TABLE || pb_rule_table_is_new(ctx, op->rel))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    if (!pb_lock_blocks_writes(f.lock))
        return;
    const char *outside = "";
    if (f.needs_tx_block && !ctx->st->in_tx)
        outside = "; it is not inside BEGIN ... COMMIT, so unless the migration runner wraps the file in a "
                  "transaction it fails with \"LOCK TABLE can only be used in transaction blocks\"";
    pb_rule_report(ctx, op, op->focus,
                   op->nowait
                       ? "avoid explicit table locks in migrations; if writers must be kept out, take the "
                         "weakest mode that does it and keep the transaction short"
                       : "avoid explicit table locks in migrations; if writers must be kept out, take the "
                         "weakest mode that does it, keep the transaction short, and SET LOCAL lock_timeout "
                         "= '5s'; first (or add NOWAIT)",
                   "LOCK TABLE %s IN %s MODE holds %s %s lock until the transaction commits, which %s%s",
                   pb_rule_name(ctx, op->rel), pb_lock_mode_name(f.lock), pb_lock_article(f.lock),
                   pb_lock_mode_name(f.lock), pb_lock_blocks_text(f.lock), outside);
}
