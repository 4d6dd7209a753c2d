/* `pgbelay facts`: what pgbelay claims each statement of a migration does
 * on the server (the relations it locks and in which mode, whether it
 * rewrites or scans a table, builds an index, may run in a transaction
 * block), for --pg-version, with the migrations before it replayed for
 * context. The claims tests/pg/facts.py checks on a real PostgreSQL. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog.h"
#include "cli/cli.h"
#include "cli/setargs.h"
#include "facts/claims.h"
#include "lint/lint.h"
#include "parse/parse.h"
#include "source/source.h"

static const pb_opt_doc opts[] = {
    {{"format", required_argument, NULL, 'f'}, "FORMAT", "output format: text (default), json"},
    {{"framework", required_argument, NULL, 'w'}, "NAME", "migration tool (default: detected)"},
    {{"pg-version", required_argument, NULL, 'p'},
     "N",
     "PostgreSQL major version of the target server, 11-17 (default 15)"},
    {{"schema", required_argument, NULL, 'D'},
     "FILE",
     "the schema the migrations start from: pg_dump --schema-only output or a Rails structure.sql"},
    {{"help", no_argument, NULL, 'h'}, NULL, "show this help"},
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void facts_usage(FILE *f)
{
    fprintf(f, "usage: pgbelay facts [options] PATH...\n\n"
               "Prints, for each statement of the migrations named (a file, or every migration\n"
               "of a directory), the relations it locks and in which mode, whether it rewrites\n"
               "or scans a table or builds an index, and whether it may run in a transaction\n"
               "block, as pgbelay's facts table says for --pg-version. Earlier migrations of\n"
               "the same directory are replayed first, so the claims know the schema.\n"
               "The JSON form is documented in docs/facts.md.\n\n"
               "options:\n");
    pb_cli_print_options(f, opts, NOPTS);
    fprintf(f, "\nexit codes: 0 printed, 2 usage or input error (syntax errors are reported and\n"
               "the rest of the file is still printed)\n");
}

/* One relation with the strongest mode claimed on it in a statement. */
typedef struct stmt_lock {
    const char *rel; /* NULL: not one named relation */
    pb_lock_mode mode;
    const char *role;
} stmt_lock;

/* A growable array in the part's arena. */
typedef struct names {
    const char **v;
    size_t n, cap;
} names;

typedef struct stmt_acc {
    pb_arena *a;
    stmt_lock *locks;
    size_t nlocks, locks_cap;
    names rewrites, scans, builds;
    bool no_tx, needs_tx;
    json_t *ops;
} stmt_acc;

static void add_name(pb_arena *a, names *v, const char *s)
{
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->v[i], s))
            return;
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        const char **n = pb_arena_alloc(a, cap * sizeof *n);
        if (v->n)
            memcpy(n, v->v, v->n * sizeof *n);
        v->v = n;
        v->cap = cap;
    }
    v->v[v->n++] = s;
}

static void add_lock(stmt_acc *acc, const char *rel, pb_lock_mode mode, const char *role)
{
    for (size_t i = 0; i < acc->nlocks; i++)
        if ((rel && acc->locks[i].rel && !strcmp(rel, acc->locks[i].rel)) || (!rel && !acc->locks[i].rel)) {
            if (mode > acc->locks[i].mode) {
                acc->locks[i].mode = mode;
                acc->locks[i].role = role;
            }
            return;
        }
    if (acc->nlocks == acc->locks_cap) {
        size_t cap = acc->locks_cap ? acc->locks_cap * 2 : 4;
        stmt_lock *n = pb_arena_alloc(acc->a, cap * sizeof *n);
        if (acc->nlocks)
            memcpy(n, acc->locks, acc->nlocks * sizeof *n);
        acc->locks = n;
        acc->locks_cap = cap;
    }
    acc->locks[acc->nlocks++] = (stmt_lock){rel, mode, role};
}

static json_t *names_json(const names *v)
{
    json_t *a = json_array();
    for (size_t i = 0; i < v->n; i++)
        json_array_append_new(a, json_string(v->v[i]));
    return a;
}

static const char *tx_block(const stmt_acc *acc)
{
    return acc->no_tx ? "not allowed" : acc->needs_tx ? "required" : "allowed";
}

/* Ends a statement: appends its JSON to `stmts` or prints its text line. */
static void flush_stmt(stmt_acc *acc, const pb_source *src, pb_span span, const char *kind, bool json,
                       json_t *stmts)
{
    uint32_t line = pb_source__line_index(src, span.start) + 1;
    if (json) {
        json_t *s = json_object();
        json_t *locks = json_array();
        for (size_t i = 0; i < acc->nlocks; i++)
            json_array_append_new(locks,
                                  json_pack("{s:o, s:s, s:s}", "relation",
                                            acc->locks[i].rel ? json_string(acc->locks[i].rel) : json_null(),
                                            "mode", pb_lock_mode_name(acc->locks[i].mode), "role",
                                            acc->locks[i].role ? acc->locks[i].role : ""));
        json_object_set_new(s, "line", json_integer(line));
        json_object_set_new(s, "start", json_integer(span.start));
        json_object_set_new(s, "end", json_integer(span.end));
        json_object_set_new(s, "statement", json_stringn(src->text + span.start, span.end - span.start));
        json_object_set_new(s, "kind", json_string(kind ? kind : ""));
        json_object_set_new(s, "transaction_block", json_string(tx_block(acc)));
        json_object_set_new(s, "locks", locks);
        json_object_set_new(s, "rewrites", names_json(&acc->rewrites));
        json_object_set_new(s, "scans", names_json(&acc->scans));
        json_object_set_new(s, "index_builds", names_json(&acc->builds));
        json_object_set_new(s, "ops", acc->ops);
        json_array_append_new(stmts, s);
    } else {
        printf("%s:%u: %s", src->path, line, kind ? kind : "statement");
        if (!acc->nlocks)
            printf(": no table lock");
        for (size_t i = 0; i < acc->nlocks; i++)
            printf("%s %s on %s (%s)", i ? ";" : ":", pb_lock_mode_name(acc->locks[i].mode),
                   acc->locks[i].rel ? acc->locks[i].rel : "each one", acc->locks[i].role);
        for (size_t i = 0; i < acc->rewrites.n; i++)
            printf("; rewrites %s", acc->rewrites.v[i]);
        for (size_t i = 0; i < acc->scans.n; i++)
            printf("; scans %s", acc->scans.v[i]);
        for (size_t i = 0; i < acc->builds.n; i++)
            printf("; builds an index on %s", acc->builds.v[i]);
        if (acc->no_tx)
            printf("; cannot run inside a transaction block");
        if (acc->needs_tx)
            printf("; must run inside a transaction block");
        printf("\n");
        json_decref(acc->ops);
    }
    pb_arena *a = acc->a;
    memset(acc, 0, sizeof *acc);
    acc->a = a;
}

static bool zone_is_utc(const char *z)
{
    /* zero-offset zones only: PostgreSQL checks the offset, not the name */
    return z && (!strcasecmp(z, "UTC") || !strcasecmp(z, "Etc/UTC") || !strcasecmp(z, "GMT") ||
                 !strcasecmp(z, "Etc/GMT") || !strcasecmp(z, "UCT") || !strcasecmp(z, "Zulu") ||
                 !strcasecmp(z, "Universal") || !strcmp(z, "0"));
}

/* The claims of every statement of one part, applying its ops to `cat`. */
static json_t *part_facts(const pb_part *part, pb_catalog *cat, size_t mig_index, int v, bool json,
                          json_t *errors)
{
    pb_arena *pa = pb_arena_new();
    char *text = pb_lint__part_text(pa, part);
    pb_parse_result pr;
    pb_parse_range(pa, text, part->start, part->end, &pr);
    pb_catalog_begin_part(cat, mig_index);
    uint32_t tx = ++cat->tx_seq;
    json_t *stmts = json_array();
    stmt_acc acc = {.a = pa};
    pb_claims_env env = {0};
    bool open = false;
    uint32_t cur = 0;
    pb_span span = {0, 0};
    const char *kind = NULL;
    for (size_t i = 0; i < pr.ops.len; i++) {
        const pb_op *op = pr.ops.items[i];
        if (open && op->stmt != cur)
            flush_stmt(&acc, part->src, span, kind, json, stmts);
        if (!open || op->stmt != cur) {
            open = true;
            cur = op->stmt;
            span = op->span;
            kind = op->stmt_kind;
            acc.ops = json_array();
        }
        pb_claims c;
        pb_claims_for(pa, op, cat, v, &env, &c);
        json_t *keys = json_array();
        for (int k = 0; k < c.fact.nkeys; k++)
            json_array_append_new(keys, json_string(pb_fact_key_name(c.fact.keys[k])));
        json_t *oj = json_pack("{s:s, s:o}", "op", pb_op_kind_name(op->kind), "facts", keys);
        if (c.fact.known) {
            json_object_set_new(oj, "lock", json_string(pb_lock_mode_name(c.fact.lock)));
            json_object_set_new(oj, "rewrite", json_boolean(c.fact.rewrite));
            json_object_set_new(oj, "scan", json_boolean(c.fact.scan));
            json_object_set_new(oj, "index_build", json_boolean(c.fact.index_build));
            json_object_set_new(oj, "source", json_string(c.fact.source ? c.fact.source : ""));
        }
        json_array_append_new(acc.ops, oj);
        for (size_t k = 0; k < c.nlocks; k++)
            add_lock(&acc, c.locks[k].rel.name ? pb_qname_str(pa, c.locks[k].rel) : NULL, c.locks[k].mode,
                     c.locks[k].role);
        const char *t = c.target.name ? pb_qname_str(pa, c.target) : NULL;
        if (t && c.fact.rewrite)
            add_name(pa, &acc.rewrites, t);
        if (t && c.fact.scan)
            add_name(pa, &acc.scans, t);
        if (t && c.fact.index_build)
            add_name(pa, &acc.builds, t);
        for (size_t k = 0; k < c.nalso_scanned; k++)
            add_name(pa, c.fact.index_build ? &acc.builds : &acc.scans, pb_qname_str(pa, c.also_scanned[k]));
        acc.no_tx |= c.fact.no_tx_block;
        acc.needs_tx |= c.fact.needs_tx_block;
        if (op->kind == PB_OP_SET && op->setting && !strcmp(op->setting, "timezone"))
            env.timezone_utc = zone_is_utc(op->value);
        else if (op->kind == PB_OP_SET && !op->setting)
            env.timezone_utc = false;
        pb_catalog_apply(cat, op, tx);
        if (op->kind == PB_OP_COMMIT || op->kind == PB_OP_ROLLBACK)
            tx = ++cat->tx_seq;
    }
    if (open)
        flush_stmt(&acc, part->src, span, kind, json, stmts);
    for (size_t i = 0; i < pr.nerrors; i++) {
        uint32_t line = pb_source__line_index(part->src, pr.errors[i].offset) + 1;
        pb_cli_error("%s:%u: %s", part->src->path, line, pr.errors[i].message);
        json_array_append_new(
            errors, json_pack("{s:i, s:s}", "line", (json_int_t)line, "message", pr.errors[i].message));
    }
    pb_arena_free(pa);
    if (!json) {
        json_decref(stmts);
        return NULL;
    }
    return stmts;
}

int pb_cmd_facts(int argc, char **argv)
{
    pb_cli_setargs sa = {0};
    sa.fw = PB_FW_PLAIN;
    int r = pb_cli_setargs_parse(&sa, argc, argv, opts, NOPTS, "facts", facts_usage);
    if (r <= 0)
        return r < 0 ? PB_EXIT_ERROR : PB_EXIT_OK;
    int v = sa.opt.pg_version ? sa.opt.pg_version : PB_PG_VERSION_DEFAULT;
    int status = PB_EXIT_OK;
    json_t *files = json_array();
    for (int ai = optind; ai < argc; ai++) {
        pb_cli_set s;
        if (!pb_cli_load_set(&sa, argv[ai], &s)) {
            status = PB_EXIT_ERROR;
            continue;
        }
        if (s.failed)
            status = PB_EXIT_ERROR;
        pb_catalog *cat = pb_lint__start_catalog(&sa.opt, s.arena);
        for (size_t m = 0; m < s.set.len; m++) {
            const pb_migration *mig = s.set.items[m];
            if (!pb_cli_set_is_target(&s, mig) || mig->rank >= 2) {
                pb_lint__replay_part(mig->up, cat, m, NULL, NULL);
                continue;
            }
            json_t *errors = json_array();
            json_t *stmts = part_facts(mig->up, cat, m, v, sa.json, errors);
            if (sa.json) {
                json_t *fj = json_object();
                json_object_set_new(fj, "path", json_string(mig->up->src->path));
                json_object_set_new(fj, "framework", json_string(pb_framework_name(s.set.framework)));
                json_object_set_new(fj, "transaction", json_string(pb_tx_mode_name(mig->up->tx)));
                json_object_set_new(fj, "statements", stmts);
                json_object_set_new(fj, "errors", errors);
                json_array_append_new(files, fj);
            } else {
                json_decref(errors);
            }
        }
        pb_cli_set_release(&s);
    }
    if (sa.json) {
        json_t *doc = json_pack("{s:s, s:i, s:o}", "format", "pgbelay-facts/1", "pg_version", (json_int_t)v,
                                "files", files);
        char *out = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (out) {
            fputs(out, stdout);
            fputc('\n', stdout);
            free(out);
        }
        json_decref(doc);
    } else {
        json_decref(files);
    }
    fflush(stdout);
    pb_cli_setargs_release(&sa);
    pb_thread_cleanup();
    return status;
}
