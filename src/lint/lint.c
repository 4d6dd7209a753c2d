/* The lint pipeline for one input: source checks, parse, lower, replay the
 * catalog and transaction state op by op, run the rules, sort findings. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "parse/parse.h"
#include "rules/pipeline.h"
#include "rules/rule.h"
#include "source/source.h"

const char *pb_status_str(pb_status st)
{
    switch (st) {
    case PB_OK: return "ok";
    case PB_ERR_IO: return "input/output error";
    case PB_ERR_NOMEM: return "out of memory";
    case PB_ERR_USAGE: return "usage error";
    case PB_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
}

const char *pb_severity_name(pb_severity sev)
{
    switch (sev) {
    case PB_SEV_INFO: return "info";
    case PB_SEV_WARNING: return "warning";
    case PB_SEV_ERROR: return "error";
    }
    return "?";
}

pb_severity pb_severity_parse(const char *name)
{
    if (!name)
        return 0;
    if (strcmp(name, "info") == 0)
        return PB_SEV_INFO;
    if (strcmp(name, "warning") == 0)
        return PB_SEV_WARNING;
    if (strcmp(name, "error") == 0)
        return PB_SEV_ERROR;
    return 0;
}

static int norm_version(const pb_options *opt)
{
    return opt && opt->pg_version ? opt->pg_version : PB_PG_VERSION_DEFAULT;
}

static bool rule_applies(const pb_rule_info *r, int v)
{
    return (!r->pg_min || v >= r->pg_min) && (!r->pg_max || v <= r->pg_max);
}

/* SET lock_timeout = 0 (or '0', '0ms', '0s') disables the timeout. */
static bool timeout_value_enables(const char *v)
{
    if (!v)
        return false;
    char *end;
    double d = strtod(v, &end);
    if (end == v)
        return true; /* a value we cannot read: assume it is a real timeout */
    return d > 0;
}

/* Advances the transaction state past `op` (PostgreSQL semantics: COMMIT
 * inside a runner's transaction ends it; later statements autocommit). */
static void advance_state(pb_lint_state *st, const pb_op *op, bool last_op_of_stmt)
{
    switch (op->kind) {
    case PB_OP_BEGIN:
        if (!st->explicit_tx) {
            st->explicit_tx = true;
            st->in_tx = true;
            st->tx_id++;
            st->tx_begin_stmt = op->stmt;
            st->tx_begin_at = op->span.start;
        }
        return;
    case PB_OP_COMMIT:
    case PB_OP_ROLLBACK:
        st->explicit_tx = false;
        st->assumed_tx = false;
        st->in_tx = false;
        st->tx_id++;
        if (st->lock_timeout_local) {
            st->lock_timeout_set = st->lock_timeout_session;
            st->lock_timeout_local = false;
        }
        return;
    case PB_OP_SET:
        if (op->setting == NULL) { /* RESET ALL */
            st->lock_timeout_set = st->lock_timeout_session = false;
        } else if (strcmp(op->setting, "lock_timeout") == 0) {
            bool on = timeout_value_enables(op->value);
            if (op->is_local) {
                if (st->in_tx) {
                    st->lock_timeout_set = on;
                    st->lock_timeout_local = true;
                }
            } else {
                st->lock_timeout_set = st->lock_timeout_session = on;
            }
        }
        break;
    default: break;
    }
    /* outside a transaction block every statement is its own transaction */
    if (!st->in_tx && last_op_of_stmt)
        st->tx_id++;
}

static int diag_cmp(const void *a, const void *b)
{
    const pb_diag *x = a, *y = b;
    if (x->span.start != y->span.start)
        return x->span.start < y->span.start ? -1 : 1;
    int c = strcmp(pb_rule_code(x->rule), pb_rule_code(y->rule));
    if (c)
        return c;
    return strcmp(x->message, y->message);
}

/* Runs the op rules over `ops`. */
static void run_rules(const pb_options *opt, int v, const pb_source *src, const pb_ops *ops, pb_arena *a,
                      pb_diag_sink *sink)
{
    pb_catalog cat;
    pb_catalog_init(&cat, a);
    pb_lint_state st = {0};
    st.tx_id = 1;
    if (opt && opt->assume_in_transaction) {
        st.in_tx = true;
        st.assumed_tx = true;
    }
    for (size_t i = 0; i < ops->len; i++) {
        const pb_op *op = ops->items[i];
        pb_rule_ctx ctx = {
            .opt = opt,
            .pg_version = v,
            .src = src,
            .st = &st,
            .cat = &cat,
            .ops = ops,
            .op_index = i,
            .arena = a,
            .sink = sink,
        };
        for (size_t r = 0; r < pb_rule_registry_len; r++) {
            const pb_rule_info *ri = pb_rule_registry[r];
            if (!ri->check || !rule_applies(ri, v))
                continue;
            ctx.rule = ri;
            ri->check(&ctx, op);
        }
        pb_catalog_apply(&cat, op, st.tx_id);
        bool last = i + 1 == ops->len || ops->items[i + 1]->stmt != op->stmt;
        advance_state(&st, op, last);
    }
}

static bool only_space_and_comments(const char *t, size_t n)
{
    /* cheap check for "nothing to run": whitespace and -- comment lines */
    size_t i = 0;
    while (i < n) {
        char c = t[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            i++;
        } else if (c == '-' && i + 1 < n && t[i + 1] == '-') {
            while (i < n && t[i] != '\n')
                i++;
        } else {
            return false;
        }
    }
    return true;
}

static void lint_source(const pb_options *opt, pb_result *out)
{
    pb_arena *a = out->arena;
    pb_source *src = out->source;
    pb_diag_sink sink = {.arena = a};
    int v = norm_version(opt);

    if (src->first_bad_utf8 < src->len)
        pb_rule__invalid_utf8_emit(&sink, src);
    char *text = src->text;
    if (src->first_nul < src->len) {
        /* the parser takes a C string: NULs become spaces, offsets stay */
        size_t count = 0;
        char *copy = pb_arena_alloc(a, src->len + 1);
        memcpy(copy, src->text, src->len);
        for (size_t i = 0; i < src->len; i++)
            if (copy[i] == '\0') {
                copy[i] = ' ';
                count++;
            }
        pb_rule__nul_byte_emit(&sink, src, count);
        text = copy;
    }
    if (only_space_and_comments(text, src->len)) {
        pb_rule__empty_file_emit(&sink);
    } else {
        pb_parse_result pr;
        pb_status st = pb_parse_part(a, text, src->len, &pr);
        if (st != PB_OK) {
            out->status = st;
            out->error = pb_arena_strdup(a, "the PostgreSQL parser failed unexpectedly");
        }
        for (size_t i = 0; i < pr.nerrors; i++)
            pb_rule__syntax_error_emit(&sink, src, &pr.errors[i],
                                       pr.nstmts > 0 && pr.stmts[0].start < pr.errors[i].offset);
        out->nstatements = pr.nstmts;
        if (pr.ops.len == 0 && pr.nerrors == 0)
            pb_rule__empty_file_emit(&sink);
        run_rules(opt, v, src, &pr.ops, a, &sink);
    }
    if (sink.len > 1)
        qsort(sink.items, sink.len, sizeof *sink.items, diag_cmp);
    out->diags = sink.items;
    out->ndiags = sink.len;
}

static size_t max_size(const pb_options *opt)
{
    return opt && opt->max_file_size ? opt->max_file_size : PB_DEFAULT_MAX_FILE_SIZE;
}

pb_status pb_lint_buffer(const pb_options *opt, const char *display_path, const char *bytes, size_t len,
                         pb_result *out)
{
    memset(out, 0, sizeof *out);
    out->arena = pb_arena_new();
    if (len > max_size(opt) || len >= UINT32_MAX) {
        out->source = pb_source_new(out->arena, display_path, "", 0);
        pb_diag_sink sink = {.arena = out->arena};
        pb_rule__file_too_large_emit(&sink, len, max_size(opt));
        out->diags = sink.items;
        out->ndiags = sink.len;
        return PB_OK;
    }
    out->source = pb_source_new(out->arena, display_path, bytes, len);
    lint_source(opt, out);
    return out->status;
}

pb_status pb_lint_file(const pb_options *opt, const char *path, const char *display_path, pb_result *out)
{
    memset(out, 0, sizeof *out);
    const char *shown = display_path ? display_path : path;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        out->arena = pb_arena_new();
        out->source = pb_source_new(out->arena, shown, "", 0);
        out->status = PB_ERR_IO;
        out->error = pb_arena_sprintf(out->arena, "cannot open '%s': %s", shown, strerror(e));
        return out->status;
    }
    if (S_ISDIR(sb.st_mode)) {
        close(fd);
        out->arena = pb_arena_new();
        out->source = pb_source_new(out->arena, shown, "", 0);
        out->status = PB_ERR_IO;
        out->error = pb_arena_sprintf(out->arena, "cannot read '%s': it is a directory", shown);
        return out->status;
    }
    size_t cap = max_size(opt);
    if (S_ISREG(sb.st_mode) && (size_t)sb.st_size > cap) {
        close(fd);
        /* report without reading a huge file into memory */
        memset(out, 0, sizeof *out);
        pb_status st = pb_lint_buffer(opt, shown, NULL, (size_t)sb.st_size, out);
        return st;
    }
    /* read up to cap + 1 bytes: also bounds pipes and files that grow */
    size_t alloc = S_ISREG(sb.st_mode) ? (size_t)sb.st_size + 1 : 65536;
    if (alloc > cap + 1)
        alloc = cap + 1;
    char *buf = malloc(alloc);
    size_t len = 0;
    bool failed = buf == NULL;
    int err = 0;
    while (!failed) {
        if (len == alloc) {
            if (alloc > cap)
                break;
            size_t na = alloc * 2 > cap + 1 ? cap + 1 : alloc * 2;
            char *nb = realloc(buf, na);
            if (!nb) {
                failed = true;
                break;
            }
            buf = nb;
            alloc = na;
        }
        ssize_t n = read(fd, buf + len, alloc - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            failed = true;
            break;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (failed) {
        free(buf);
        out->arena = pb_arena_new();
        out->source = pb_source_new(out->arena, shown, "", 0);
        out->status = PB_ERR_IO;
        out->error = pb_arena_sprintf(out->arena, "cannot read '%s': %s", shown,
                                      err ? strerror(err) : "out of memory");
        return out->status;
    }
    pb_status st = pb_lint_buffer(opt, shown, buf, len, out);
    free(buf);
    return st;
}

void pb_result_free(pb_result *res)
{
    if (!res)
        return;
    pb_arena_free(res->arena);
    memset(res, 0, sizeof *res);
}

size_t pb_result_count(const pb_result *res, pb_severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < res->ndiags; i++)
        if (res->diags[i].severity >= sev)
            n++;
    return n;
}
