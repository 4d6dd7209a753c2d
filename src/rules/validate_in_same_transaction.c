/* validate-in-same-transaction: VALIDATE CONSTRAINT in the transaction that
 * added the constraint NOT VALID: the validation scan then runs while the
 * add's lock is still held. Quiet for tables created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

#include <string.h>

void pb_rule__validate_in_same_transaction(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_VALIDATE_CONSTRAINT || !op->con_name || !ctx->st->in_tx)
        return;
    const pb_cat_table *t = pb_catalog_table(ctx->cat, op->rel);
    const pb_cat_constraint *c = pb_catalog_constraint(t, op->con_name);
    if (!c || c->validated || c->tx != ctx->st->tx_id || pb_catalog_in_part(ctx->cat, t->part))
        return;
    /* the facts of the ADD CONSTRAINT ... NOT VALID that added it */
    const pb_op add_op = {
        .kind = PB_OP_ADD_CONSTRAINT, .con_kind = c->kind, .not_valid = true, .ref = c->ref};
    const pb_op *add = &add_op;
    pb_fact fa;
    pb_facts_for(add, ctx->pg_version, NULL, &fa);
    const char *held;
    if (fa.other_lock && add->ref.name && fa.other_lock == fa.lock)
        held = pb_arena_sprintf(ctx->arena, "the %s locks the add took on %s and on the %s %s are",
                                pb_lock_mode_name(fa.lock), pb_rule_name(ctx, op->rel), fa.other_role,
                                pb_rule_name(ctx, add->ref));
    else if (fa.other_lock && add->ref.name)
        held = pb_arena_sprintf(ctx->arena, "the %s lock the add took on %s and its %s lock on the %s %s are",
                                pb_lock_mode_name(fa.lock), pb_rule_name(ctx, op->rel),
                                pb_lock_mode_name(fa.other_lock), fa.other_role, pb_rule_name(ctx, add->ref));
    else
        held = pb_arena_sprintf(ctx->arena, "the %s lock the add took on %s is", pb_lock_mode_name(fa.lock),
                                pb_rule_name(ctx, op->rel));
    pb_lock_mode worst = fa.other_lock > fa.lock ? fa.other_lock : fa.lock;
    const char *tbl = pb_sql_qname(ctx->arena, op->rel);
    const char *help =
        pb_arena_sprintf(ctx->arena,
                         "COMMIT after the ADD CONSTRAINT ... NOT VALID and validate in a separate "
                         "transaction, e.g. a later migration: ALTER TABLE %s VALIDATE CONSTRAINT %s;",
                         tbl, pb_sql_ident(ctx->arena, op->con_name));
    pb_rule_report(
        ctx, op, op->focus, help,
        "VALIDATE CONSTRAINT %s runs in the same transaction as its ADD CONSTRAINT ... NOT VALID (line "
        "%u), so its full table scan runs while %s still held, which %s for the whole scan and defeats "
        "NOT VALID",
        pb_rule_name(ctx, (pb_qname){.name = op->con_name}), pb_rule_offset_line(ctx, c->added_at), held,
        pb_lock_blocks_text(worst));
}
