/* non-transactional-in-transaction: a statement that PostgreSQL refuses to
 * run inside a transaction block (facts: no_tx_block) runs inside one, an
 * explicit BEGIN or the runner's transaction (--assume-in-transaction). */
#include "rules/rule.h"
#include "rules/rule_util.h"

#include <string.h>
#include <strings.h>

/* The statement name PostgreSQL puts in "%s cannot run inside a
 * transaction block" (the PreventInTransactionBlock callers). */
static const char *stmt_name(const pb_rule_ctx *ctx, const pb_op *op)
{
    switch (op->kind) {
    case PB_OP_CREATE_INDEX: return "CREATE INDEX CONCURRENTLY";
    case PB_OP_DROP_INDEX: return "DROP INDEX CONCURRENTLY";
    case PB_OP_REINDEX:
        if (op->concurrently)
            return "REINDEX CONCURRENTLY";
        return op->reindex_target == PB_REINDEX_SCHEMA   ? "REINDEX SCHEMA"
               : op->reindex_target == PB_REINDEX_SYSTEM ? "REINDEX SYSTEM"
                                                         : "REINDEX DATABASE";
    case PB_OP_VACUUM: return "VACUUM";
    case PB_OP_CLUSTER: return "CLUSTER";
    case PB_OP_ALTER_TABLE_OTHER: return "ALTER TABLE ... DETACH CONCURRENTLY";
    case PB_OP_ALTER_ENUM: return "ALTER TYPE ... ADD";
    default: break;
    }
    static const struct {
        const char *node, *name;
    } names[] = {
        {"CreatedbStmt", "CREATE DATABASE"},
        {"DropdbStmt", "DROP DATABASE"},
        {"AlterDatabaseStmt", "ALTER DATABASE SET TABLESPACE"},
        {"CreateTableSpaceStmt", "CREATE TABLESPACE"},
        {"DropTableSpaceStmt", "DROP TABLESPACE"},
        {"AlterSystemStmt", "ALTER SYSTEM"},
        {"DiscardStmt", "DISCARD ALL"},
        {"CreateSubscriptionStmt", "CREATE SUBSCRIPTION ... WITH (create_slot = true)"},
        {"AlterSubscriptionStmt", "ALTER SUBSCRIPTION ... REFRESH"},
        {"DropSubscriptionStmt", "DROP SUBSCRIPTION"},
    };
    for (size_t i = 0; op->stmt_kind && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(op->stmt_kind, names[i].node) == 0)
            return names[i].name;
    if (op->stmt_kind && strcmp(op->stmt_kind, "TransactionStmt") == 0) {
        const char *t = ctx->src->text + op->span.start;
        bool rollback = op->span.end - op->span.start >= 8 && strncasecmp(t, "rollback", 8) == 0;
        return rollback ? "ROLLBACK PREPARED" : "COMMIT PREPARED";
    }
    return NULL;
}

/* Before PostgreSQL 12, ALTER TYPE ... ADD VALUE is allowed in a transaction
 * block that created the enum type (enum.c AlterEnum). */
static bool enum_created_in_this_tx(const pb_rule_ctx *ctx, const pb_op *op)
{
    const pb_cat_enum *e = pb_catalog_enum(ctx->cat, op->obj);
    return e && e->tx == ctx->st->tx_id;
}

void pb_rule__non_transactional_in_transaction(pb_rule_ctx *ctx, const pb_op *op)
{
    if (!ctx->st->in_tx)
        return;
    pb_fact f;
    pb_rule_facts(ctx, op, &f);
    if (!f.no_tx_block)
        return;
    if (op->kind == PB_OP_ALTER_ENUM && enum_created_in_this_tx(ctx, op))
        return;
    const char *name = stmt_name(ctx, op);
    if (!name)
        name = "this statement";
    const char *help =
        ctx->st->explicit_tx
            ? "move it after the COMMIT, outside BEGIN ... COMMIT (and into its own migration if the runner "
              "also wraps files in a transaction)"
            : "put it in its own migration that the runner does not wrap in a transaction (diesel: "
              "run_in_transaction = false; goose: -- +goose NO TRANSACTION)";
    if (op->kind == PB_OP_ALTER_ENUM)
        help = pb_arena_sprintf(
            ctx->arena, "%s; from PostgreSQL 12 ALTER TYPE ... ADD VALUE may run in a transaction block",
            help);
    pb_rule_report(ctx, op, op->span, help,
                   "this statement runs inside %s, so PostgreSQL will fail with \"%s cannot run inside a "
                   "transaction block\"",
                   pb_rule_tx_text(ctx), name);
}
