/* drop-schema: DROP SCHEMA ... CASCADE destroys every object in the schema.
 * Without CASCADE PostgreSQL refuses to drop a non-empty schema, so that
 * form is not reported. Quiet for schemas created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__drop_schema(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_DROP_SCHEMA || !op->cascade || !op->obj.name ||
        pb_rule_schema_is_new(ctx, op->obj.name))
        return;
    /* every table dropped with it is dropped as by DROP TABLE */
    pb_fact f;
    pb_facts_row(PB_FACT_DROP_TABLE, ctx->pg_version, &f);
    pb_rule_report(
        ctx, op, op->focus,
        pb_arena_sprintf(ctx->arena,
                         "drop the objects one at a time in a release after the code stopped using "
                         "them, then DROP SCHEMA %s; without CASCADE, so anything left over fails the "
                         "migration instead of disappearing",
                         pb_sql_ident(ctx->arena, op->obj.name)),
        "DROP SCHEMA %s CASCADE drops every object in the schema, with their data, which rolling back the "
        "deploy cannot bring back, and breaks running code that still uses any of them; every table it "
        "drops is locked %s, which %s",
        pb_rule_name(ctx, op->obj), pb_lock_mode_name(f.lock), pb_lock_blocks_text(f.lock));
}
