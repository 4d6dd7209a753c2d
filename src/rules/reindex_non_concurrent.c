/* reindex-non-concurrent: REINDEX without CONCURRENTLY (PostgreSQL 12+)
 * rebuilds under SHARE on the table and ACCESS EXCLUSIVE on the index.
 * Quiet for tables created earlier in the part and for REINDEX SYSTEM
 * (system catalogs cannot be reindexed concurrently). */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__reindex_non_concurrent(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_REINDEX || op->concurrently || op->reindex_target == PB_REINDEX_SYSTEM)
        return;
    if (op->reindex_target == PB_REINDEX_TABLE && pb_rule_table_is_new(ctx, op->rel))
        return;
    if (op->reindex_target == PB_REINDEX_INDEX && pb_rule_index_on_new_table(ctx, op->obj))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    pb_lock_mode worst = f.other_lock > f.lock ? f.other_lock : f.lock;
    const char *what, *kw;
    switch (op->reindex_target) {
    case PB_REINDEX_INDEX:
        kw = "INDEX";
        what =
            pb_arena_sprintf(ctx->arena, "REINDEX INDEX %s rebuilds the index", pb_rule_name(ctx, op->obj));
        break;
    case PB_REINDEX_TABLE:
        kw = "TABLE";
        what = pb_arena_sprintf(ctx->arena, "REINDEX TABLE %s rebuilds every index of the table",
                                pb_rule_name(ctx, op->obj));
        break;
    case PB_REINDEX_SCHEMA:
        kw = "SCHEMA";
        what = pb_arena_sprintf(ctx->arena, "REINDEX SCHEMA %s rebuilds every index of every table in it",
                                pb_rule_name(ctx, op->obj));
        break;
    default:
        kw = "DATABASE";
        what = "REINDEX DATABASE rebuilds every index of every table";
        break;
    }
    const char *target =
        op->obj.name ? pb_arena_sprintf(ctx->arena, " %s", pb_sql_qname(ctx->arena, op->obj)) : "";
    const char *help = pb_arena_sprintf(ctx->arena,
                                        "REINDEX %s CONCURRENTLY%s; (in its own migration, outside a "
                                        "transaction block; if it fails, drop the "
                                        "INVALID *_ccnew index it leaves behind and retry)",
                                        kw, target);
    bool many = op->reindex_target != PB_REINDEX_INDEX;
    pb_rule_report(ctx, op, op->focus, help,
                   "%s under %s %s lock on %s and %s %s lock on %s; since the planner locks every index of a "
                   "table, this %s of %s for the whole rebuild",
                   what, pb_lock_article(f.lock), pb_lock_mode_name(f.lock),
                   op->reindex_target == PB_REINDEX_INDEX   ? "its table"
                   : op->reindex_target == PB_REINDEX_TABLE ? "the table"
                                                            : "each table",
                   pb_lock_article(f.other_lock), pb_lock_mode_name(f.other_lock),
                   many ? "each index" : "the index", pb_lock_blocks_text(worst),
                   op->reindex_target == PB_REINDEX_INDEX || op->reindex_target == PB_REINDEX_TABLE
                       ? "the table"
                       : "each table");
}
