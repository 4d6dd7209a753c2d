/* Custom rules at lint time: PCRE2 patterns compiled once per config (JIT
 * where available), matched under a match and depth limit so that a
 * catastrophic pattern stops and says so; naming conventions over the
 * names the lowered ops create or rename, identifier length, banned and
 * required statement patterns. Findings are ordinary diagnostics. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "config/custom.h"

void *pb_custom__compile(const char *pattern, unsigned flags, char *err, size_t errlen, size_t *offset)
{
    int code;
    PCRE2_SIZE off;
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (flags & PB_CUSTOM_CASELESS)
        opts |= PCRE2_CASELESS;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &code, &off, NULL);
    if (!re) {
        pcre2_get_error_message(code, (PCRE2_UCHAR *)err, errlen);
        *offset = off;
        return NULL;
    }
    /* JIT is an optimisation: where it is missing or fails, the
       interpreter runs the same pattern */
    uint32_t jit = 0;
    if (pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit)
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

void pb_custom__keep(pb_config *cfg, void *code)
{
    pb_ptrvec_push(cfg->arena, &cfg->codes, code);
}

void pb_custom__free_all(pb_config *cfg)
{
    for (size_t i = 0; i < cfg->codes.len; i++)
        pcre2_code_free(cfg->codes.items[i]);
    cfg->codes.len = 0;
}

/* ---- at lint time ----------------------------------------------------------- */

typedef struct required_state {
    bool triggered, satisfied;
    pb_span at;
    uint32_t stmt_start, stmt_end;
} required_state;

struct pb_custom_run {
    const pb_config *cfg;
    pb_arena *arena;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    required_state *req; /* by index into cfg->custom */
};

pb_custom_run *pb_config__run_begin(const pb_config *cfg, pb_arena *a)
{
    if (!cfg || !cfg->ncustom)
        return NULL;
    pb_custom_run *run = pb_arena_alloc(a, sizeof *run);
    run->cfg = cfg;
    run->arena = a;
    run->md = pcre2_match_data_create(1, NULL);
    run->mc = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(run->mc, (uint32_t)cfg->match_limit);
    pcre2_set_depth_limit(run->mc, (uint32_t)cfg->depth_limit);
    run->req = pb_arena_alloc(a, cfg->ncustom * sizeof *run->req);
    return run;
}

static void add(pb_diag_sink *sink, const pb_custom_rule *c, pb_span span, const pb_op *op, const char *msg,
                pb_severity sev)
{
    size_t before = sink->len;
    pb_diag_sink_add(sink, &c->info, span, op ? op->span.start : span.start, op ? op->span.end : span.end,
                     msg, *c->info.instead ? c->info.instead : NULL);
    if (sink->len > before)
        sink->items[sink->len - 1].severity = sev;
}

/* 1: matches, 0: does not, -1: PCRE2 gave up (reported as an error
 * finding of the rule, so the stop is never silent). */
static int match(pb_custom_run *run, pb_diag_sink *sink, const pb_custom_rule *c, const void *re,
                 const char *subject, size_t len, pb_span at, const pb_op *op)
{
    int rc = pcre2_match(re, (PCRE2_SPTR)subject, len, 0, 0, run->md, run->mc);
    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(rc, buf, sizeof buf);
    const char *limit = rc == PCRE2_ERROR_MATCHLIMIT   ? "regex-match-limit"
                        : rc == PCRE2_ERROR_DEPTHLIMIT ? "regex-depth-limit"
                                                       : NULL;
    add(sink, c, at, op,
        pb_arena_sprintf(run->arena,
                         "custom rule %s stopped matching its pattern '%s' here: %s%s%s%s; this "
                         "statement was not checked by it",
                         c->info.id, re == c->re ? c->pattern : c->when, (const char *)buf,
                         limit ? " (raise " : "", limit ? limit : "",
                         limit ? " or simplify the pattern)" : ""),
        PB_SEV_ERROR);
    return -1;
}

static bool ident_byte(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '$' || ch >= 0x80;
}

/* The identifier token of [from, to) of `t` whose folded text starts with
 * `name` (PostgreSQL's scanner truncates longer names to 63 bytes, so the
 * IR holds a prefix of what was written): its span and, in *written_len,
 * the length of the name as written (quotes removed, "" counted once). */
static bool find_name(const char *t, uint32_t from, uint32_t to, const char *name, pb_span *out,
                      size_t *written_len)
{
    size_t n = strlen(name);
    if (!n)
        return false;
    for (uint32_t i = from; i < to; i++) {
        bool quoted = t[i] == '"';
        uint32_t s = quoted ? i + 1 : i;
        if (!quoted &&
            (!ident_byte((unsigned char)t[i]) || (i > from && ident_byte((unsigned char)t[i - 1]))))
            continue;
        if (s + n > to || (quoted ? strncmp(t + s, name, n) : strncasecmp(t + s, name, n)) != 0)
            continue;
        uint32_t e = s;
        size_t len = 0;
        if (quoted) {
            while (e < to && !(t[e] == '"' && !(e + 1 < to && t[e + 1] == '"'))) {
                e += t[e] == '"' ? 2 : 1;
                len++;
            }
            if (e < to)
                e++;
        } else {
            while (e < to && ident_byte((unsigned char)t[e]))
                e++;
            len = e - s;
        }
        /* a longer identifier that merely starts with the name is another
           name, unless the name is PostgreSQL's truncation to 63 bytes,
           clipped at a character boundary (pg_mbcliplen): 60 to 63 bytes */
        if (len != n && !(n + 3 >= PB_IDENTIFIER_MAX_BYTES && len > PB_IDENTIFIER_MAX_BYTES))
            continue;
        *out = (pb_span){i, e};
        *written_len = len;
        return true;
    }
    return false;
}

/* One name an op creates or renames; `target` PB_NAME__COUNT: checked for
 * length only (views, schemas, types). */
static uint32_t check_name_from(pb_custom_run *run, pb_rule_ctx *ctx, const pb_op *op, const char *name,
                                int target, uint32_t from)
{
    if (!name || !*name)
        return from;
    const char *t = ctx->src->text;
    pb_span span = op->focus;
    size_t written = strlen(name);
    if (from < op->span.start || from >= op->span.end)
        from = op->focus.start;
    if (!find_name(t, from, op->span.end, name, &span, &written) &&
        !find_name(t, op->span.start, op->span.end, name, &span, &written))
        span = op->focus;
    for (size_t i = 0; i < run->cfg->ncustom; i++) {
        const pb_custom_rule *c = run->cfg->custom[i];
        if (c->disabled)
            continue;
        if (c->kind == PB_CUSTOM_NAMING && (int)c->target == target) {
            if (match(run, ctx->sink, c, c->re, name, strlen(name), span, op) == 0)
                add(ctx->sink, c, span, op, pb_arena_sprintf(run->arena, "%s: \"%s\"", c->message, name),
                    c->info.severity);
        } else if (c->kind == PB_CUSTOM_LENGTH && written > (size_t)c->max_len) {
            add(ctx->sink, c, span, op,
                pb_arena_sprintf(run->arena, "%s: \"%.*s\" has %zu bytes%s", c->message,
                                 (int)(span.end - span.start) - (t[span.start] == '"' ? 2 : 0),
                                 t + span.start + (t[span.start] == '"'), written,
                                 written > PB_IDENTIFIER_MAX_BYTES
                                     ? pb_arena_sprintf(run->arena,
                                                        "; PostgreSQL truncates it to its first %d bytes",
                                                        PB_IDENTIFIER_MAX_BYTES)
                                     : ""),
                c->info.severity);
        }
    }
    return span.end;
}

static void check_name(pb_custom_run *run, pb_rule_ctx *ctx, const pb_op *op, const char *name, int target)
{
    check_name_from(run, ctx, op, name, target, op->focus.start);
}

/* Constraint names are looked for where each is written (`at`). */
static void check_constraints(pb_custom_run *run, pb_rule_ctx *ctx, const pb_op *op)
{
    for (size_t i = 0; i < op->nconstraints; i++)
        if (op->constraints[i] && op->constraints[i]->name)
            check_name_from(run, ctx, op, op->constraints[i]->name, PB_NAME_CONSTRAINT,
                            op->constraints[i]->at);
}

static void check_names(pb_custom_run *run, pb_rule_ctx *ctx, const pb_op *op)
{
    const int only_length = PB_NAME__COUNT;
    switch (op->kind) {
    case PB_OP_CREATE_TABLE: {
        /* columns in the order written, each searched after the one before
           (two names truncated to the same 63 bytes stay apart) */
        uint32_t at = check_name_from(run, ctx, op, op->rel.name, PB_NAME_TABLE, op->span.start);
        for (size_t i = 0; i < op->ncolumns; i++)
            if (op->columns[i])
                at = check_name_from(run, ctx, op, op->columns[i]->name, PB_NAME_COLUMN, at);
        check_constraints(run, ctx, op);
        break;
    }
    case PB_OP_CREATE_TABLE_AS:
        check_name(run, ctx, op, op->rel.name, op->matview ? only_length : PB_NAME_TABLE);
        break;
    case PB_OP_RENAME_TABLE: check_name(run, ctx, op, op->new_name, PB_NAME_TABLE); break;
    case PB_OP_ADD_COLUMN:
        check_name(run, ctx, op, op->column, PB_NAME_COLUMN);
        check_constraints(run, ctx, op);
        break;
    case PB_OP_RENAME_COLUMN: check_name(run, ctx, op, op->new_name, PB_NAME_COLUMN); break;
    case PB_OP_ADD_CONSTRAINT: check_name(run, ctx, op, op->con_name, PB_NAME_CONSTRAINT); break;
    case PB_OP_CREATE_INDEX: check_name(run, ctx, op, op->index_name, PB_NAME_INDEX); break;
    case PB_OP_RENAME_INDEX: check_name(run, ctx, op, op->new_name, PB_NAME_INDEX); break;
    case PB_OP_CREATE_SEQUENCE: check_name(run, ctx, op, op->rel.name, PB_NAME_SEQUENCE); break;
    case PB_OP_RENAME_OTHER:
        check_name(run, ctx, op, op->new_name,
                   op->object_kind == PB_OBJ_SEQUENCE     ? PB_NAME_SEQUENCE
                   : op->object_kind == PB_OBJ_CONSTRAINT ? PB_NAME_CONSTRAINT
                                                          : only_length);
        break;
    case PB_OP_CREATE_VIEW: check_name(run, ctx, op, op->rel.name, only_length); break;
    case PB_OP_CREATE_SCHEMA: check_name(run, ctx, op, op->obj.name, only_length); break;
    case PB_OP_CREATE_ENUM: check_name(run, ctx, op, op->obj.name, only_length); break;
    default: break;
    }
}

void pb_config__run_op(pb_custom_run *run, pb_rule_ctx *ctx, const pb_op *op, bool first_of_stmt)
{
    if (!run)
        return;
    check_names(run, ctx, op);
    if (!first_of_stmt)
        return;
    const char *stmt = ctx->src->text + op->span.start;
    size_t len = op->span.end - op->span.start;
    for (size_t i = 0; i < run->cfg->ncustom; i++) {
        const pb_custom_rule *c = run->cfg->custom[i];
        if (c->disabled)
            continue;
        if (c->kind == PB_CUSTOM_BANNED) {
            if (match(run, ctx->sink, c, c->re, stmt, len, op->span, op) == 1)
                add(ctx->sink, c, op->span, op, c->message, c->info.severity);
        } else if (c->kind == PB_CUSTOM_REQUIRED) {
            required_state *rq = &run->req[i];
            if (!rq->triggered &&
                (!c->re_when || match(run, ctx->sink, c, c->re_when, stmt, len, op->span, op) == 1)) {
                rq->triggered = true;
                rq->at = op->span;
                rq->stmt_start = op->span.start;
                rq->stmt_end = op->span.end;
            }
            if (!rq->satisfied && match(run, ctx->sink, c, c->re, stmt, len, op->span, op) != 0)
                rq->satisfied = true; /* a limit stop is reported; do not pile a second finding on it */
        }
    }
}

void pb_config__run_end(pb_custom_run *run, pb_diag_sink *sink, const pb_source *src)
{
    if (!run)
        return;
    for (size_t i = 0; i < run->cfg->ncustom; i++) {
        const pb_custom_rule *c = run->cfg->custom[i];
        const required_state *rq = &run->req[i];
        if (c->kind == PB_CUSTOM_REQUIRED && !c->disabled && rq->triggered && !rq->satisfied) {
            size_t before = sink->len;
            pb_diag_sink_add(sink, &c->info, rq->at, rq->stmt_start, rq->stmt_end, c->message,
                             *c->info.instead ? c->info.instead : NULL);
            if (sink->len > before)
                sink->items[sink->len - 1].severity = c->info.severity;
        }
    }
    pcre2_match_data_free(run->md);
    pcre2_match_context_free(run->mc);
    run->md = NULL;
    run->mc = NULL;
}
