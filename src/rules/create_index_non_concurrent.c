/* create-index-non-concurrent: CREATE INDEX without CONCURRENTLY on an
 * existing table builds the index under a SHARE lock (blocks writes). */
#include <stdint.h>

#include "rules/rule.h"
#include "rules/rule_util.h"

/* The statement rewritten with CONCURRENTLY after INDEX, as one line. */
static const char *concurrent_sql(pb_rule_ctx *ctx, const pb_op *op)
{
    uint32_t kw = pb_sql_find_word(ctx->src, op->span.start, op->span.end, "index");
    if (kw == UINT32_MAX)
        return NULL;
    uint32_t after = kw + 5;
    const char *head = pb_sql_text(ctx->arena, ctx->src, op->span.start, after);
    const char *tail = pb_sql_text(ctx->arena, ctx->src, after, op->span.end);
    if (!head || !tail)
        return NULL;
    return pb_arena_sprintf(ctx->arena, "%s CONCURRENTLY %s;", head, tail);
}

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
    const char *sql = concurrent_sql(ctx, op);
    const char *help =
        sql ? pb_arena_sprintf(ctx->arena,
                               "%s in its own migration that runs outside a transaction block; if the "
                               "build fails, DROP INDEX CONCURRENTLY the INVALID index it leaves and retry",
                               sql)
            : "use CREATE INDEX CONCURRENTLY, in its own migration outside a transaction block";
    pb_rule_report(ctx, op, op->span, help,
                   "CREATE INDEX builds the index under a %s lock on %s for the whole build, which %s",
                   pb_lock_mode_name(f.lock), pb_rule_name(ctx, op->rel), pb_lock_blocks_text(f.lock));
}
