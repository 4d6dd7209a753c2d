/* drop-index-non-concurrent: DROP INDEX without CONCURRENTLY takes ACCESS
 * EXCLUSIVE on the index's table. Quiet for indexes known to be on a table
 * created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__drop_index_non_concurrent(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_DROP_INDEX || op->concurrently || !op->obj.name)
        return;
    const pb_cat_index *created = pb_rule_index(ctx, op->obj);
    if (created && (pb_catalog_in_part(ctx->cat, created->part) || pb_rule_table_is_new(ctx, created->table)))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    const char *table = created && created->table.name
                            ? pb_arena_sprintf(ctx->arena, "its table %s", pb_rule_name(ctx, created->table))
                            : "its table";
    const char *help = pb_arena_sprintf(
        ctx->arena,
        "DROP INDEX CONCURRENTLY%s %s; (in its own migration, outside a transaction block; one index per "
        "statement, no CASCADE; the index behind a UNIQUE or PRIMARY KEY constraint is dropped with ALTER "
        "TABLE "
        "... DROP CONSTRAINT instead)",
        op->if_exists ? " IF EXISTS" : "", pb_sql_qname(ctx->arena, op->obj));
    pb_rule_report(
        ctx, op, op->focus, help,
        "DROP INDEX %s takes %s %s lock on %s, which %s: while it waits for running queries, every "
        "later query on the table queues behind it",
        pb_rule_name(ctx, op->obj), pb_lock_article(f.lock), pb_lock_mode_name(f.lock), table,
        pb_lock_blocks_text(f.lock));
}
