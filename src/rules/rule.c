/* Rule support shared by every rule: reporting, facts with catalog
 * knowledge, registry look-ups. */
#include "rules/rule.h"

#include <stdarg.h>
#include <string.h>

const char *pb_rule_id(const pb_rule_info *r)
{
    return r->id;
}
const char *pb_rule_code(const pb_rule_info *r)
{
    return r->code;
}
const char *pb_rule_summary(const pb_rule_info *r)
{
    return r->summary;
}
pb_severity pb_rule_default_severity(const pb_rule_info *r)
{
    return r->severity;
}

const pb_rule_info *const *pb_rules(size_t *n)
{
    *n = pb_rule_registry_len;
    return pb_rule_registry;
}

const pb_rule_info *pb_rule_find(const char *id_or_code)
{
    if (!id_or_code)
        return NULL;
    for (size_t i = 0; i < pb_rule_registry_len; i++) {
        const pb_rule_info *r = pb_rule_registry[i];
        if (strcmp(r->id, id_or_code) == 0 || strcasecmp(r->code, id_or_code) == 0)
            return r;
    }
    return NULL;
}

const pb_rule_info *pb_rule__by_id(const char *id)
{
    for (size_t i = 0; i < pb_rule_registry_len; i++)
        if (strcmp(pb_rule_registry[i]->id, id) == 0)
            return pb_rule_registry[i];
    return NULL;
}

void pb_diag_sink_add(pb_diag_sink *sink, const pb_rule_info *rule, pb_span span, uint32_t stmt_start,
                      uint32_t stmt_end, const char *message, const char *help)
{
    /* one finding per rule, statement and message: an ALTER TABLE with
       several subcommands must not repeat the same finding */
    for (size_t i = sink->len; i-- > 0;) {
        const pb_diag *d = &sink->items[i];
        if (d->stmt_start != stmt_start)
            break;
        if (d->rule == rule && strcmp(d->message, message) == 0)
            return;
    }
    if (sink->len == sink->cap) {
        size_t cap = sink->cap ? sink->cap * 2 : 16;
        pb_diag *n = pb_arena_alloc(sink->arena, cap * sizeof *n);
        if (sink->len)
            memcpy(n, sink->items, sink->len * sizeof *n);
        sink->items = n;
        sink->cap = cap;
    }
    pb_diag *d = &sink->items[sink->len++];
    if (rule->index < PB_RULES_MAX)
        sink->per_rule[rule->index]++;
    d->rule = rule;
    d->severity = rule->severity;
    d->span = span;
    d->stmt_start = stmt_start;
    d->stmt_end = stmt_end;
    d->message = pb_arena_strdup(sink->arena, message);
    d->help = help ? pb_arena_strdup(sink->arena, help) : NULL;
}

void pb_rule_report(pb_rule_ctx *ctx, const pb_op *op, pb_span span, const char *help, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = pb_arena_vsprintf(ctx->arena, fmt, ap);
    va_end(ap);
    pb_diag_sink_add(ctx->sink, ctx->rule, span, op->span.start, op->span.end, msg, help);
}

void pb_rule_facts(const pb_rule_ctx *ctx, const pb_op *op, pb_fact *out)
{
    pb_fact_env env = {.timezone_utc = ctx->st->timezone_utc};
    const pb_cat_table *t = pb_catalog_table(ctx->cat, op->rel);
    if (op->kind == PB_OP_ALTER_COLUMN_TYPE) {
        const pb_cat_column *c = pb_catalog_column(t, op->column);
        if (c && c->type.name)
            env.old_type = &c->type;
    } else if (op->kind == PB_OP_SET_NOT_NULL) {
        env.not_null_proven = pb_catalog_not_null_proven(ctx->cat, op->rel, op->column);
    } else if (op->kind == PB_OP_VALIDATE_CONSTRAINT || op->kind == PB_OP_DROP_CONSTRAINT) {
        const pb_cat_constraint *c = pb_catalog_constraint(t, op->con_name);
        env.constraint_is_fk = c && c->kind == PB_CON_FOREIGN_KEY;
    }
    pb_facts_for(op, ctx->pg_version, &env, out);
}

size_t pb_rule_reported(const pb_rule_ctx *ctx)
{
    return ctx->rule->index < PB_RULES_MAX ? ctx->sink->per_rule[ctx->rule->index] : 0;
}

bool pb_rule_table_is_new(const pb_rule_ctx *ctx, pb_qname rel)
{
    return pb_catalog_is_new(ctx->cat, rel);
}

const char *pb_rule_name(const pb_rule_ctx *ctx, pb_qname q)
{
    return pb_arena_sprintf(ctx->arena, "\"%s\"", pb_qname_str(ctx->arena, q));
}
