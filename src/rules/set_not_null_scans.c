/* set-not-null-scans: SET NOT NULL that has to scan the table (facts: not
 * proven by a validated CHECK (col IS NOT NULL), or PostgreSQL < 12). Quiet
 * for tables created earlier in the part. */
#include "rules/rule.h"
#include "rules/rule_util.h"

void pb_rule__set_not_null_scans(pb_rule_ctx *ctx, const pb_op *op)
{
    if (op->kind != PB_OP_SET_NOT_NULL || !op->column || pb_rule_table_is_new(ctx, op->rel))
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    if (!f.scan)
        return;
    pb_arena *a = ctx->arena;
    /* would a validated CHECK (col IS NOT NULL) spare the scan on this version? */
    pb_fact proven;
    bool check_helps = pb_facts_row(PB_FACT_SET_NOT_NULL_PROVEN, ctx->pg_version, &proven) && !proven.scan;
    const char *tbl = pb_sql_qname(a, op->rel);
    const char *col = pb_sql_ident(a, op->column);
    const char *help;
    if (check_helps) {
        const char *name = pb_sql_ident(a, pb_sql_default_name(a, op->rel.name, &op->column, 1, "not_null"));
        help = pb_arena_sprintf(
            a,
            "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID; then, in a "
            "separate transaction: ALTER TABLE %s VALIDATE CONSTRAINT %s; then ALTER TABLE %s "
            "ALTER COLUMN %s SET NOT NULL; (no scan) and ALTER TABLE %s DROP CONSTRAINT %s;",
            tbl, name, col, tbl, name, tbl, col, tbl, name);
    } else {
        /* the first version where a validated CHECK spares the scan */
        int from = 0;
        for (int v = ctx->pg_version + 1; v <= ctx->pg_version + 20 && !from; v++)
            if (pb_facts_row(PB_FACT_SET_NOT_NULL_PROVEN, v, &proven) && !proven.scan)
                from = v;
        help = from ? pb_arena_sprintf(
                          a,
                          "before PostgreSQL %d a CHECK constraint does not spare the scan: run it when "
                          "the table is small or in a maintenance window, with lock_timeout set",
                          from)
                    : "run it when the table is small or in a maintenance window, with lock_timeout set";
    }
    pb_rule_report(
        ctx, op, op->focus, help,
        "SET NOT NULL on %s.%s checks every row (full table scan) under %s %s lock on %s, which %s for "
        "the whole scan%s",
        pb_rule_name(ctx, op->rel), pb_rule_name(ctx, (pb_qname){.name = op->column}),
        pb_lock_article(f.lock), pb_lock_mode_name(f.lock), pb_rule_name(ctx, op->rel),
        pb_lock_blocks_text(f.lock),
        check_helps ? "" : " (on this version even a validated CHECK (col IS NOT NULL) does not avoid it)");
}
