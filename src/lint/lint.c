/* The lint pipeline for one input: source checks, parse, lower, replay the
 * catalog and transaction state op by op, run the rules, sort findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog.h"
#include "catalog/journal.h"
#include "config/config.h"
#include "core/strmap.h"
#include "framework/framework.h"
#include "lint/lint.h"
#include "lint/suppress.h"
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
        } else if (strcmp(op->setting, "timezone") == 0) {
            /* zero-offset zones only: PostgreSQL checks the offset, not the name */
            const char *z = op->value ? op->value : "";
            st->timezone_utc = !strcasecmp(z, "UTC") || !strcasecmp(z, "Etc/UTC") || !strcasecmp(z, "GMT") ||
                               !strcasecmp(z, "Etc/GMT") || !strcasecmp(z, "UCT") || !strcasecmp(z, "Zulu") ||
                               !strcasecmp(z, "Universal") || !strcmp(z, "0");
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
                      pb_diag_sink *sink, pb_catalog *catp, pb_lint_state st, pb_journal *journal,
                      pb_journal *undo, pb_custom_run *custom)
{
    pb_catalog *cat = catp;
    const pb_config *cfg = opt ? opt->config : NULL;
    for (size_t i = 0; i < ops->len; i++) {
        const pb_op *op = ops->items[i];
        pb_rule_ctx ctx = {
            .opt = opt,
            .pg_version = v,
            .src = src,
            .st = &st,
            .cat = cat,
            .ops = ops,
            .op_index = i,
            .arena = a,
            .sink = sink,
        };
        for (size_t r = 0; r < pb_rule_registry_len; r++) {
            const pb_rule_info *ri = pb_rule_registry[r];
            if (!ri->check || !rule_applies(ri, v) || (cfg && !pb_config__severity(cfg, ri, ri->severity)))
                continue;
            ctx.rule = ri;
            ri->check(&ctx, op);
        }
        pb_config__run_op(custom, &ctx, op, i == 0 || ops->items[i - 1]->stmt != op->stmt);
        if (journal)
            pb_journal_note(journal, cat, op);
        if (undo)
            pb_journal_note(undo, cat, op);
        pb_catalog_apply(cat, op, st.tx_id);
        bool last = i + 1 == ops->len || ops->items[i + 1]->stmt != op->stmt;
        advance_state(&st, op, last);
    }
    cat->tx_seq = st.tx_id; /* the next part starts after every id used here */
}

/* What is collected for one source while its parts are linted. */
typedef struct source_acc {
    pb_source *src;
    pb_result *res; /* the result being filled (its arena holds the findings) */
    pb_diag_sink sink;
    char *text; /* the text the parser reads: src->text, or a copy with NULs
                   and template regions blanked (offsets unchanged) */
    bool copied;
    size_t nerrors;
    pb_ptrvec tparts; /* parts with template regions whose names its findings may show */
    pb_span *stmts;   /* every statement of the source (suppression comments lie outside them) */
    size_t nstmts, stmts_cap;
} source_acc;

/* Keeps the statement spans of a parsed part for pb_lint__suppress. */
static void acc_add_stmts(source_acc *acc, const pb_parse_result *pr)
{
    size_t need = acc->nstmts + pr->nstmts + pr->nerrors;
    if (need > acc->stmts_cap) {
        size_t cap = acc->stmts_cap ? acc->stmts_cap * 2 : 64;
        while (cap < need)
            cap *= 2;
        pb_span *n = pb_arena_alloc(acc->res->arena, cap * sizeof *n);
        if (acc->nstmts)
            memcpy(n, acc->stmts, acc->nstmts * sizeof *n);
        acc->stmts = n;
        acc->stmts_cap = cap;
    }
    for (size_t i = 0; i < pr->nstmts; i++)
        acc->stmts[acc->nstmts++] = pr->stmts[i];
    for (size_t i = 0; i < pr->nerrors; i++)
        if (pr->errors[i].stmt_end > pr->errors[i].stmt_start)
            acc->stmts[acc->nstmts++] = (pb_span){pr->errors[i].stmt_start, pr->errors[i].stmt_end};
}

static void acc_begin(source_acc *acc, pb_source *src, pb_result *res)
{
    memset(acc, 0, sizeof *acc);
    acc->src = src;
    acc->res = res;
    acc->sink.arena = res->arena;
    acc->text = src->text;
    if (src->first_bad_utf8 < src->len)
        pb_rule__invalid_utf8_emit(&acc->sink, src);
    if (src->first_nul < src->len) {
        /* the parser takes a C string: NULs become spaces, offsets stay */
        size_t count = 0;
        acc->text = pb_arena_alloc(res->arena, src->len + 1);
        memcpy(acc->text, src->text, src->len + 1);
        acc->copied = true;
        for (size_t i = 0; i < src->len; i++)
            if (acc->text[i] == '\0') {
                acc->text[i] = ' ';
                count++;
            }
        pb_rule__nul_byte_emit(&acc->sink, src, count);
    }
}

/* Lints one part against `cat` (replayed into it). */
static void lint_part(const pb_options *opt, int v, source_acc *acc, const pb_part *part, pb_catalog *cat,
                      size_t mig_index, pb_journal *journal, const pb_migration *mig, pb_journal *undo)
{
    if (part->nopaque || part->nerase) {
        /* template regions (${VAR}, {{ ... }}) are expanded by the tool:
           read them as identifiers of the same length */
        if (!acc->copied) {
            char *copy = pb_arena_alloc(acc->res->arena, acc->src->len + 1);
            memcpy(copy, acc->src->text, acc->src->len + 1);
            acc->text = copy;
            acc->copied = true;
        }
        for (size_t i = 0; i < part->nopaque; i++)
            memset(acc->text + part->opaque[i].start, 'x', part->opaque[i].end - part->opaque[i].start);
        if (part->nopaque)
            pb_ptrvec_push(acc->res->arena, &acc->tparts, (void *)part);
        /* regions the tool removes or rewrites (psql meta-commands, marker
           prefixes, custom delimiters): filled with their own byte */
        for (size_t i = 0; i < part->nerase; i++)
            memset(acc->text + part->erase[i].start, part->erase[i].fill,
                   part->erase[i].end - part->erase[i].start);
    }
    pb_arena *pa = pb_arena_new();
    pb_parse_result pr;
    if (pb_parse_range(pa, acc->text, part->start, part->end, &pr) != PB_OK) {
        acc->res->status = PB_ERR_INTERNAL;
        acc->res->error = pb_arena_strdup(acc->res->arena, "the PostgreSQL parser failed unexpectedly");
    }
    for (size_t i = 0; i < pr.nerrors; i++)
        pb_rule__syntax_error_emit(&acc->sink, acc->src, &pr.errors[i],
                                   pr.nstmts > 0 && pr.stmts[0].start < pr.errors[i].offset);
    acc->nerrors += pr.nerrors;
    acc->res->nstatements += pr.nstmts;
    acc_add_stmts(acc, &pr);

    pb_lint_state st = {0};
    st.tx_id = cat->tx_seq + 1;
    st.down = part->down;
    if (part->tx == PB_TX_NONE && part->tx_reason)
        st.no_tx_reason = part->tx_reason;
    st.has_down = mig && mig->down;
    st.expects_down = mig && mig->expects_down;
    bool wrapped = part->tx == PB_TX_WRAPPED || (part->tx == PB_TX_ONE_QUERY && pr.nstmts > 1) ||
                   (part->tx == PB_TX_NONE && !part->tx_reason && opt && opt->assume_in_transaction);
    if (wrapped) {
        st.in_tx = true;
        st.assumed_tx = true;
        st.tx_reason = part->tx_reason;
    }
    memset(acc->sink.per_rule, 0, sizeof acc->sink.per_rule); /* counts are per part */
    pb_catalog_begin_part(cat, mig_index);
    pb_custom_run *custom = pb_config__run_begin(opt ? opt->config : NULL, pa);
    run_rules(opt, v, acc->src, &pr.ops, pa, &acc->sink, cat, st, journal, undo, custom);
    pb_config__run_end(custom, &acc->sink, acc->src);
    pb_arena_free(pa);
}

/* Lints a migration: its up part into `cat`, then its down part against a
 * copy of the catalog after the up part, and compares the objects the up
 * part touched with their state after up + down (rollback rules). */
static void lint_migration(const pb_options *opt, int v, source_acc *up_acc, source_acc *down_acc,
                           const pb_migration *mig, pb_catalog *cat, size_t m)
{
    pb_arena *ja = pb_arena_new();
    pb_journal journal;
    pb_journal_init(&journal, ja);
    if (mig->up && up_acc)
        lint_part(opt, v, up_acc, mig->up, cat, m, mig->down ? &journal : NULL, mig, NULL);
    if (mig->down && down_acc) {
        /* the down part runs on the live catalog with an undo log of what
           it changes, which is put back afterwards: the next migration's up
           part follows this up part, not its rollback */
        pb_journal undo;
        pb_journal_init(&undo, ja);
        journal.in_down = true;
        if (mig->up && mig->up->nopaque && mig->up->src != down_acc->src)
            pb_ptrvec_push(down_acc->res->arena, &down_acc->tparts,
                           mig->up); /* its names in rollback findings */
        lint_part(opt, v, down_acc, mig->down, cat, m, &journal, mig, &undo);
        pb_rollback_diff *d;
        size_t nd = pb_journal_diff(&journal, cat, &d);
        for (size_t i = 0; i < nd; i++)
            pb_rule__rollback_emit(&down_acc->sink, down_acc->src, mig->down->start, mig->down->end,
                                   d[i].data_loss, d[i].message);
        pb_journal_undo(&undo, cat);
    }
    pb_arena_free(ja);
}

/* Finishes a source's result: empty-file, rule settings and suppressions,
 * order. */
static void acc_end(const pb_options *opt, source_acc *acc)
{
    if (acc->res->nstatements == 0 && acc->nerrors == 0)
        pb_rule__empty_file_emit(&acc->sink);
    pb_lint__suppress(opt, acc->res->arena, acc->src, acc->stmts, acc->nstmts, &acc->sink);
    if (acc->tparts.len) {
        /* names read from template regions ("xxxxxxxxx") shown as written */
        pb_template_name *names = NULL;
        size_t n = 0, cap = 0;
        for (size_t i = 0; i < acc->tparts.len; i++) {
            const pb_part *p = acc->tparts.items[i];
            pb_rule__template_names(acc->res->arena, p->src, p->start, p->end, p->opaque, p->nopaque, &names,
                                    &n, &cap);
        }
        pb_rule__restore_template_names(acc->res->arena, acc->sink.items, acc->sink.len, acc->src, names, n);
    }
    if (acc->sink.len > 1)
        qsort(acc->sink.items, acc->sink.len, sizeof *acc->sink.items, diag_cmp);
    acc->res->diags = acc->sink.items;
    acc->res->ndiags = acc->sink.len;
}

/* Lints one source on its own: its parts as its markers split it (goose,
 * dbmate, ...; plain SQL is one part), against a fresh catalog. */
static void lint_source(const pb_options *opt, pb_result *out)
{
    int v = norm_version(opt);
    pb_migration_set set = {0};
    pb_framework fw = pb_framework_detect_source(out->source);
    pb_framework_split_source(out->arena, fw, out->source, &set, "", out->source->path);
    source_acc acc;
    acc_begin(&acc, out->source, out);
    for (size_t i = 0; i < set.nproblems; i++)
        pb_rule__migration_layout_emit(&acc.sink, set.problems[i].src ? set.problems[i].offset : 0,
                                       set.problems[i].message);
    pb_catalog *cat = pb_lint__start_catalog(opt, out->arena);
    for (size_t m = 0; m < set.len; m++)
        lint_migration(opt, v, &acc, &acc, set.items[m], cat, m);
    acc_end(opt, &acc);
}

/* Replays a part into the catalog without checking it (a migration whose
 * findings are not wanted, or a schema seed): parse, then apply every op.
 * Syntax errors go to `on_error` (may be NULL) with their byte offset. */
char *pb_lint__part_text(pb_arena *pa, const pb_part *part)
{
    char *text = part->src->text;
    if (part->nopaque || part->nerase || part->src->first_nul < part->src->len) {
        text = pb_arena_alloc(pa, part->src->len + 1);
        memcpy(text, part->src->text, part->src->len + 1);
        for (size_t i = 0; i < part->src->len; i++)
            if (text[i] == '\0')
                text[i] = ' ';
        for (size_t i = 0; i < part->nopaque; i++)
            memset(text + part->opaque[i].start, 'x', part->opaque[i].end - part->opaque[i].start);
        for (size_t i = 0; i < part->nerase; i++)
            memset(text + part->erase[i].start, part->erase[i].fill,
                   part->erase[i].end - part->erase[i].start);
    }
    return text;
}

void pb_lint__replay_part(const pb_part *part, pb_catalog *cat, size_t mig_index,
                          void (*on_error)(void *ud, uint32_t offset, const char *message), void *ud)
{
    pb_arena *pa = pb_arena_new();
    char *text = pb_lint__part_text(pa, part);
    pb_parse_result pr;
    pb_parse_range(pa, text, part->start, part->end, &pr);
    pb_catalog_begin_part(cat, mig_index);
    uint32_t tx = ++cat->tx_seq;
    for (size_t i = 0; i < pr.ops.len; i++)
        pb_catalog_apply(cat, pr.ops.items[i], tx);
    if (on_error)
        for (size_t i = 0; i < pr.nerrors; i++)
            on_error(ud, pr.errors[i].offset, pr.errors[i].message);
    pb_arena_free(pa);
}

/* The catalog a run starts from: a copy of the --schema seed, or empty. */
pb_catalog *pb_lint__start_catalog(const pb_options *opt, pb_arena *a)
{
    if (opt && opt->schema)
        return pb_catalog_clone(a, pb_schema__catalog(opt->schema));
    pb_catalog *cat = pb_arena_alloc(a, sizeof *cat);
    pb_catalog_init(cat, a);
    return cat;
}

static void lint_migrations(const pb_options *opt, pb_migration_set *set, pb_catalog *cat, size_t first,
                            size_t last_mig, pb_lint_emit_fn emit, void *ud, pb_lint_report_fn report,
                            void *rud);

void pb_lint__set(const pb_options *opt, pb_migration_set *set, pb_lint_emit_fn emit, void *ud,
                  pb_lint_report_fn report, void *rud)
{
    size_t cap = opt && opt->max_file_size ? opt->max_file_size : PB_DEFAULT_MAX_FILE_SIZE;
    for (size_t i = 0; i < set->nunloaded; i++) {
        pb_result res;
        if (set->unloaded[i].error) {
            memset(&res, 0, sizeof res);
            res.arena = pb_arena_new();
            res.source = pb_source_new(res.arena, set->unloaded[i].path, "", 0);
            res.status = PB_ERR_IO;
            res.error = pb_arena_strdup(res.arena, set->unloaded[i].error);
        } else {
            pb_lint_buffer(opt, set->unloaded[i].path, NULL,
                           set->unloaded[i].size > cap ? set->unloaded[i].size : cap + 1, &res);
        }
        if (!report || report(rud, set->unloaded[i].path))
            emit(ud, &res);
        else
            pb_result_free(&res);
    }
    pb_arena *run = pb_arena_new();
    lint_migrations(opt, set, pb_lint__start_catalog(opt, run), 0, set->len, emit, ud, report, rud);
    pb_arena_free(run);
}

void pb_lint__range(const pb_options *opt, pb_migration_set *set, pb_catalog *cat, size_t first, size_t last,
                    pb_lint_emit_fn emit, void *ud)
{
    lint_migrations(opt, set, cat, first, last < set->len ? last : set->len, emit, ud, NULL, NULL);
}

/* Lints migrations [first, last) of `set` against `cat`: see pb_lint__set. */
static void lint_migrations(const pb_options *opt, pb_migration_set *set, pb_catalog *cat, size_t first,
                            size_t last_mig, pb_lint_emit_fn emit, void *ud, pb_lint_report_fn report,
                            void *rud)
{
    int v = norm_version(opt);
    /* the last migration that uses each source: its result is complete then */
    pb_arena *run = pb_arena_new();
    pb_strmap last = {0};
    for (size_t m = first; m < last_mig; m++) {
        pb_part *parts[2] = {set->items[m]->up, set->items[m]->down};
        for (int k = 0; k < 2; k++)
            if (parts[k])
                pb_strmap_put(run, &last, parts[k]->src->path, (void *)(uintptr_t)(m + 1));
    }
    source_acc open[4];
    size_t nopen = 0;
    bool layout_reported = false;
    for (size_t m = first; m < last_mig; m++) {
        pb_part *parts[2] = {set->items[m]->up, set->items[m]->down};
        if (report && !report(rud, parts[0]->src->path) && !(parts[1] && report(rud, parts[1]->src->path))) {
            pb_lint__replay_part(parts[0], cat, m, NULL, NULL); /* history only: findings not wanted */
            continue;
        }
        source_acc *accs[2] = {NULL, NULL};
        for (int k = 0; k < 2; k++) {
            pb_part *p = parts[k];
            if (!p)
                continue;
            source_acc *acc = NULL;
            for (size_t i = 0; i < nopen; i++)
                if (open[i].src == p->src)
                    acc = &open[i];
            if (!acc && nopen < sizeof open / sizeof open[0]) {
                pb_result *res = calloc(1, sizeof *res);
                res->arena = pb_arena_new();
                res->source = p->src;
                acc = &open[nopen++];
                acc_begin(acc, p->src, res);
                for (size_t i = 0; i < set->nproblems; i++)
                    if (set->problems[i].src == p->src || (!set->problems[i].src && !layout_reported))
                        pb_rule__migration_layout_emit(&acc->sink, set->problems[i].offset,
                                                       set->problems[i].message);
                layout_reported = true;
            }
            accs[k] = acc;
        }
        lint_migration(opt, v, accs[0], accs[1], set->items[m], cat, m);
        for (size_t i = 0; i < nopen;) {
            if ((uintptr_t)pb_strmap_get(&last, open[i].src->path) == m + 1) {
                acc_end(opt, &open[i]);
                pb_result *res = open[i].res;
                emit(ud, res);
                free(res);
                open[i] = open[--nopen];
            } else {
                i++;
            }
        }
    }
    pb_arena_free(run);
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
        pb_lint__apply_rule_settings(opt, &sink);
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
    out->arena = pb_arena_new();
    pb_source *src;
    size_t size;
    const char *err;
    pb_status st = pb_source_read(out->arena, path, shown, max_size(opt), &src, &size, &err);
    if (st != PB_OK) {
        out->source = pb_source_new(out->arena, shown, "", 0);
        out->status = st;
        out->error = (char *)err;
        return st;
    }
    if (!src) {
        /* over the cap: reported without reading the file into memory */
        pb_arena_free(out->arena);
        return pb_lint_buffer(opt, shown, NULL, size, out);
    }
    out->source = src;
    lint_source(opt, out);
    return out->status;
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
