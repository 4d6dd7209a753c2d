/* expand-and-contract-in-one-migration: a destructive step (DROP COLUMN or
 * DROP TABLE of existing objects, RENAME COLUMN / TABLE, a narrowing type
 * change) in the same part as additive schema changes or data changes.
 * Once per part, at the first destructive step. In a down part only drops
 * of what the up part did not create count: undoing the up is expected. */
#include "rules/rule.h"
#include "rules/rule_util.h"

/* How far from the destructive step to look for the additive one: bounds
 * the work on parts of many thousands of statements. */
#define SCAN_LIMIT 1000

static bool destructive(const pb_rule_ctx *ctx, const pb_op *op)
{
    bool down = ctx->st->down;
    switch (op->kind) {
    case PB_OP_DROP_COLUMN:
        return op->column && !pb_rule_table_is_new(ctx, op->rel) &&
               !pb_rule_column_is_new(ctx, op->rel, op->column) &&
               !pb_rule_undoes_own_up(ctx, op->rel, op->column);
    case PB_OP_DROP_TABLE:
        return op->rel.name && !pb_rule_relation_is_new(ctx, op->rel) &&
               !pb_rule_undoes_own_up(ctx, op->rel, NULL);
    case PB_OP_RENAME_COLUMN:
        /* a down part's renames put back the names the up part changed */
        return !down && op->column && op->new_name && op->object_kind != PB_OBJ_VIEW &&
               op->object_kind != PB_OBJ_MATVIEW && !pb_rule_table_is_new(ctx, op->rel) &&
               !pb_rule_column_is_new(ctx, op->rel, op->column);
    case PB_OP_RENAME_TABLE: return !down && op->new_name && !pb_rule_relation_is_new(ctx, op->rel);
    case PB_OP_ALTER_COLUMN_TYPE: return !down && pb_rule__type_change_narrows(ctx, op);
    default: return false;
    }
}

static bool is_additive(const pb_op *op)
{
    switch (op->kind) {
    case PB_OP_ADD_COLUMN:
    case PB_OP_CREATE_TABLE:
    case PB_OP_CREATE_TABLE_AS:
    case PB_OP_CREATE_INDEX:
    case PB_OP_INSERT:
    case PB_OP_UPDATE: return true;
    /* a DELETE removes data: a contract step like the drop, nothing to
       expand first (backfill-in-schema-migration judges it as a data change) */
    /* USING INDEX turns an existing index into a constraint: nothing new */
    case PB_OP_ADD_CONSTRAINT: return !op->using_index;
    default: return false;
    }
}

/* What an additive or data-changing op does, for the message. */
static const char *additive(const pb_rule_ctx *ctx, const pb_op *op)
{
    pb_arena *a = ctx->arena;
    const char *t = pb_rule_name(ctx, op->rel);
    switch (op->kind) {
    case PB_OP_ADD_COLUMN:
        return pb_arena_sprintf(a, "adds column %s to %s", pb_rule_name(ctx, (pb_qname){.name = op->column}),
                                t);
    case PB_OP_CREATE_TABLE: return pb_arena_sprintf(a, "creates table %s", t);
    case PB_OP_CREATE_TABLE_AS:
        return pb_arena_sprintf(a, "creates %s %s from a query", op->matview ? "materialized view" : "table",
                                t);
    case PB_OP_CREATE_INDEX:
        return op->index_name ? pb_arena_sprintf(a, "creates index %s on %s",
                                                 pb_rule_name(ctx, (pb_qname){.name = op->index_name}), t)
                              : pb_arena_sprintf(a, "creates an index on %s", t);
    case PB_OP_ADD_CONSTRAINT:
        return op->con_name ? pb_arena_sprintf(a, "adds constraint %s to %s",
                                               pb_rule_name(ctx, (pb_qname){.name = op->con_name}), t)
                            : pb_arena_sprintf(a, "adds a %s constraint to %s",
                                               pb_constraint_kind_name(op->con_kind), t);
    case PB_OP_INSERT: return pb_arena_sprintf(a, "inserts rows into %s", t);
    case PB_OP_UPDATE: return pb_arena_sprintf(a, "updates rows of %s", t);
    default: return NULL;
    }
}

void pb_rule__expand_and_contract_in_one_migration(pb_rule_ctx *ctx, const pb_op *op)
{
    if (pb_rule_reported(ctx) > 0 || !destructive(ctx, op))
        return;
    /* the nearest additive or data step, before or after */
    const pb_op *other = NULL;
    size_t i = ctx->op_index;
    for (size_t d = 1; d <= SCAN_LIMIT && !other && (d <= i || i + d < ctx->ops->len); d++) {
        const pb_op *cand[2] = {d <= i ? ctx->ops->items[i - d] : NULL,
                                i + d < ctx->ops->len ? ctx->ops->items[i + d] : NULL};
        for (int k = 0; k < 2 && !other; k++)
            if (cand[k] && cand[k]->stmt != op->stmt && is_additive(cand[k]))
                other = cand[k];
    }
    if (!other) {
        /* also a subcommand of the same ALTER TABLE */
        for (size_t k = i; k-- > 0 && ctx->ops->items[k]->stmt == op->stmt && !other;)
            if (is_additive(ctx->ops->items[k]))
                other = ctx->ops->items[k];
        for (size_t k = i + 1; k < ctx->ops->len && ctx->ops->items[k]->stmt == op->stmt && !other; k++)
            if (is_additive(ctx->ops->items[k]))
                other = ctx->ops->items[k];
    }
    if (!other)
        return;
    const char *other_text = additive(ctx, other);
    pb_arena *a = ctx->arena;
    const char *t = pb_rule_name(ctx, op->rel);
    const char *tq = pb_sql_qname(a, op->rel);
    const char *what, *effect, *contract;
    /* an INSERT or UPDATE before the drop may have copied the data away
       (INSERT ... SELECT, UPDATE ... FROM): then the loss is not certain */
    bool copied = (other->kind == PB_OP_INSERT || other->kind == PB_OP_UPDATE) &&
                  other->span.start < op->span.start;
    switch (op->kind) {
    case PB_OP_DROP_COLUMN:
        what = pb_arena_sprintf(a, "drops column %s of %s", pb_rule_name(ctx, (pb_qname){.name = op->column}),
                                t);
        effect = ctx->st->down ? "the column's data is gone as soon as the rollback commits, and deploying "
                                 "again cannot bring it back"
                 : copied ? "code of the previous release that uses the column fails as soon as it commits, "
                            "during the deploy and after a rollback of the code, and the column's data "
                            "survives only where an earlier statement copied it"
                          : "the column's data is gone as soon as it commits, and rolling back to the "
                            "previous release cannot bring it back";
        contract = pb_arena_sprintf(a, "ALTER TABLE %s DROP COLUMN %s;", tq, pb_sql_ident(a, op->column));
        break;
    case PB_OP_DROP_TABLE:
        what = pb_arena_sprintf(a, "drops table %s", t);
        effect = ctx->st->down ? "the table's data is gone as soon as the rollback commits, and deploying "
                                 "again cannot bring it back"
                 : copied ? "code of the previous release that uses the table fails as soon as it commits, "
                            "during the deploy and after a rollback of the code, and the table's data "
                            "survives only where an earlier statement copied it"
                          : "the table's data is gone as soon as it commits, and rolling back to the "
                            "previous release cannot bring it back";
        contract = pb_arena_sprintf(a, "DROP TABLE %s;", tq);
        break;
    case PB_OP_RENAME_COLUMN:
        what = pb_arena_sprintf(a, "renames column %s of %s to %s",
                                pb_rule_name(ctx, (pb_qname){.name = op->column}), t,
                                pb_rule_name(ctx, (pb_qname){.name = op->new_name}));
        effect =
            "code of the previous release that uses the old name fails as soon as it commits, during the "
            "deploy and after a rollback";
        contract = pb_arena_sprintf(a, "ALTER TABLE %s RENAME COLUMN %s TO %s;", tq,
                                    pb_sql_ident(a, op->column), pb_sql_ident(a, op->new_name));
        break;
    case PB_OP_RENAME_TABLE:
        what = pb_arena_sprintf(a, "renames table %s to %s", t,
                                pb_rule_name(ctx, (pb_qname){.name = op->new_name}));
        effect =
            "code of the previous release that uses the old name fails as soon as it commits, during the "
            "deploy and after a rollback";
        contract = pb_arena_sprintf(a, "ALTER TABLE %s RENAME TO %s;", tq, pb_sql_ident(a, op->new_name));
        break;
    default:
        what =
            pb_arena_sprintf(a, "changes column %s of %s to %s (which may fail or change values),",
                             pb_rule_name(ctx, (pb_qname){.name = op->column}), t, pb_sql_type(a, &op->type));
        effect = "values it changes cannot be restored by rolling back";
        contract = pb_arena_sprintf(a, "ALTER TABLE %s ALTER COLUMN %s TYPE %s;", tq,
                                    pb_sql_ident(a, op->column), pb_sql_type(a, &op->type));
        break;
    }
    const char *half = ctx->st->in_tx
                           ? ""
                           : "; and it does not run in one transaction, so a failure halfway leaves it "
                             "half applied";
    const char *help =
        ctx->st->down
            ? pb_arena_sprintf(
                  a,
                  "a down part should only undo what its up part did: leave this out of the "
                  "rollback and, once no release uses it, run it in a later migration of its own: %s",
                  contract)
            : pb_arena_sprintf(
                  a,
                  "split it: the additive and data steps (line %u) in one migration, deploy code "
                  "that no longer depends on the old schema, then in a later migration only: %s",
                  pb_rule_offset_line(ctx, other->span.start), contract);
    pb_rule_report(ctx, op, op->focus, help,
                   "this %s %s and also %s (line %u): %s; expand (add, backfill) and contract (drop, "
                   "rename) belong in separate migrations with a "
                   "deploy between them%s",
                   ctx->st->down ? "rollback" : "migration", what, other_text,
                   pb_rule_offset_line(ctx, other->span.start), effect, half);
}
