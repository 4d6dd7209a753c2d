/* Rule support shared by every rule: reporting, facts with catalog
 * knowledge, registry look-ups, and names written with template regions
 * shown as written. */
#include "rules/rule.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "rules/pipeline.h"

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
const char *pb_rule_why(const pb_rule_info *r)
{
    return r->why ? r->why : "";
}
const char *pb_rule_instead(const pb_rule_info *r)
{
    return r->instead ? r->instead : "";
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

/* ---- names written with template regions ------------------------------------ */

static bool ident_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c >= 0x80;
}

/* Is byte `i` inside one of `regions`? */
static bool in_region(const pb_span *regions, size_t n, uint32_t i)
{
    for (size_t k = 0; k < n; k++)
        if (i >= regions[k].start && i < regions[k].end)
            return true;
    return false;
}

void pb_rule__template_names(pb_arena *a, const pb_source *src, uint32_t start, uint32_t end,
                             const pb_span *regions, size_t nregions, pb_template_name **names, size_t *n,
                             size_t *cap)
{
    const char *t = src->text;
    for (size_t r = 0; r < nregions; r++) {
        uint32_t s = regions[r].start, e = regions[r].end;
        if (s < start || e > end || s >= e)
            continue;
        /* the identifier around the region, as the parser saw it: other
           regions count as identifier bytes ('x') */
        while (s > start && (in_region(regions, nregions, s - 1) || ident_byte((unsigned char)t[s - 1])))
            s--;
        while (e < end && (in_region(regions, nregions, e) || ident_byte((unsigned char)t[e])))
            e++;
        bool seen = false;
        for (size_t k = 0; k < *n && !seen; k++)
            seen = (*names)[k].src == src && (*names)[k].at == s;
        if (seen)
            continue;
        char *parsed = pb_arena_strndup(a, t + s, e - s);
        for (uint32_t i = s; i < e; i++)
            if (in_region(regions, nregions, i))
                parsed[i - s] = 'x';
        if (*n == *cap) {
            size_t ncap = *cap ? *cap * 2 : 8;
            pb_template_name *g = pb_arena_alloc(a, ncap * sizeof *g);
            if (*n)
                memcpy(g, *names, *n * sizeof *g);
            *names = g;
            *cap = ncap;
        }
        (*names)[(*n)++] = (pb_template_name){parsed, pb_arena_strndup(a, t + s, e - s), src, s};
    }
}

/* How well `nm` fits a finding of `src` about [lo, hi): lower is better. */
static uint64_t name_distance(const pb_template_name *nm, const pb_source *src, uint32_t lo, uint32_t hi)
{
    if (nm->src != src)
        return UINT64_MAX - 1;
    if (nm->at >= lo && nm->at < hi)
        return 0;
    return nm->at < lo ? (uint64_t)(lo - nm->at) : ((uint64_t)1 << 32) + (nm->at - hi);
}

static const char *restore_in(pb_arena *a, const char *s, const pb_source *src, uint32_t lo, uint32_t hi,
                              const pb_template_name *names, size_t n)
{
    if (!s || !strchr(s, 'x'))
        return s;
    bool first[256] = {false}; /* bytes a parsed name can start with (either case) */
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)names[k].parsed[0];
        first[c] = true;
        if (c >= 'a' && c <= 'z')
            first[c - 'a' + 'A'] = true;
        else if (c >= 'A' && c <= 'Z')
            first[c - 'A' + 'a'] = true;
    }
    pb_buf out = {0};
    bool changed = false;
    for (size_t i = 0; s[i];) {
        const pb_template_name *best = NULL;
        size_t best_len = 0;
        uint64_t best_d = UINT64_MAX;
        /* a name starts where an identifier does (derived names such as
           t_col_idx keep their tails) */
        if (first[(unsigned char)s[i]] &&
            (i == 0 || !((s[i - 1] >= 'a' && s[i - 1] <= 'z') || (s[i - 1] >= 'A' && s[i - 1] <= 'Z') ||
                         (s[i - 1] >= '0' && s[i - 1] <= '9'))))
            for (size_t k = 0; k < n; k++) {
                size_t len = strlen(names[k].parsed);
                if (len < best_len || strncasecmp(s + i, names[k].parsed, len) != 0)
                    continue;
                uint64_t d = name_distance(&names[k], src, lo, hi);
                if (len > best_len || d < best_d) {
                    best = &names[k];
                    best_len = len;
                    best_d = d;
                }
            }
        if (best) {
            pb_buf_puts(&out, best->written);
            i += best_len;
            changed = true;
        } else {
            pb_buf_putc(&out, s[i]);
            i++;
        }
    }
    const char *r = changed ? pb_arena_strdup(a, pb_buf_cstr(&out)) : s;
    pb_buf_release(&out);
    return r;
}

void pb_rule__restore_template_names(pb_arena *a, pb_diag *diags, size_t ndiags, const pb_source *src,
                                     const pb_template_name *names, size_t n)
{
    for (size_t i = 0; n && i < ndiags; i++) {
        pb_diag *d = &diags[i];
        d->message = restore_in(a, d->message, src, d->stmt_start, d->stmt_end, names, n);
        d->help = restore_in(a, d->help, src, d->stmt_start, d->stmt_end, names, n);
    }
}
