/* The language server's answers about statements: hover with the lock
 * facts of each operation (src/facts, the table the rules read), and code
 * actions: a rule's fix where it is one edit, a suppression comment, and
 * "plan this change" (the planner's phases as new migration files). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/catalog.h"
#include "core/buf.h"
#include "facts/facts.h"
#include "framework/write.h"
#include "lint/lint.h"
#include "lsp/server.h"
#include "rules/fix.h"
#include "parse/parse.h"
#include "plan/plan.h"
#include "rules/rule_util.h"

/* ---- the parts of the open document ----------------------------------------- */

typedef struct doc_part {
    const pb_part *part;
    const pb_migration *mig;
    size_t index; /* migration index in the set */
} doc_part;

/* The part of the document that holds byte `off`, from its migration set,
 * or from splitting the document alone (in `a`). */
static bool part_at(lsp_doc *d, pb_arena *a, size_t off, doc_part *out)
{
    pb_migration_set *set = d->set;
    size_t first = d->first, last = d->last;
    pb_migration_set alone = {0};
    if (!set) {
        pb_source *src = d->res.source;
        pb_framework_split_source(a, pb_framework_detect_source(src), src, &alone, "", pb_source_path(src));
        set = &alone;
        first = 0;
        last = alone.len;
    }
    for (size_t m = first; m < last; m++) {
        const pb_migration *mig = set->items[m];
        const pb_part *parts[2] = {mig->up, mig->down};
        for (int k = 0; k < 2; k++) {
            const pb_part *p = parts[k];
            if (p && p->src == d->res.source && off >= p->start && off <= p->end) {
                *out = (doc_part){p, mig, m};
                return true;
            }
        }
    }
    return false;
}

static pb_fact_env env_for(const pb_catalog *cat, const pb_op *op)
{
    pb_fact_env env = {0};
    const pb_cat_table *t = pb_catalog_table(cat, op->rel);
    if (op->kind == PB_OP_ALTER_COLUMN_TYPE) {
        const pb_cat_column *c = pb_catalog_column(t, op->column);
        if (c && c->type.name)
            env.old_type = &c->type;
    } else if (op->kind == PB_OP_SET_NOT_NULL) {
        env.not_null_proven = pb_catalog_not_null_proven(cat, op->rel, op->column);
    } else if (op->kind == PB_OP_VALIDATE_CONSTRAINT || op->kind == PB_OP_DROP_CONSTRAINT) {
        const pb_cat_constraint *c = pb_catalog_constraint(t, op->con_name);
        env.constraint_is_fk = c && c->kind == PB_CON_FOREIGN_KEY;
    }
    return env;
}

static const char *op_title(pb_arena *a, const pb_op *op)
{
    const char *rel = op->rel.name   ? pb_qname_str(a, op->rel)
                      : op->obj.name ? pb_qname_str(a, op->obj)
                                     : NULL;
    const char *what = pb_op_kind_name(op->kind);
    if (op->kind == PB_OP_OTHER && op->stmt_kind)
        what = op->stmt_kind;
    if (op->column)
        return pb_arena_sprintf(a, "%s `%s.%s`", what, rel ? rel : "?", op->column);
    return rel ? pb_arena_sprintf(a, "%s `%s`", what, rel) : what;
}

json_t *pb_lsp__hover(pb_lsp_server *s, lsp_doc *d, size_t off)
{
    if (!d->linted || !d->res.source)
        return json_null();
    pb_arena *a = pb_arena_new();
    doc_part dp;
    json_t *out = json_null();
    if (!part_at(d, a, off, &dp)) {
        pb_arena_free(a);
        return out;
    }
    pb_catalog *cat = d->before ? pb_catalog_clone(a, d->before) : pb_lint__start_catalog(&d->opt, a);
    if (dp.part->down && dp.mig->up && dp.mig->up != dp.part)
        pb_lint__replay_part(dp.mig->up, cat, dp.index, NULL, NULL); /* a rollback runs after its up part */
    char *text = pb_lint__part_text(a, dp.part);
    pb_parse_result pr;
    pb_parse_range(a, text, dp.part->start, dp.part->end, &pr);
    pb_catalog_begin_part(cat, dp.index);
    int v = pb_lsp__pg_version(d);
    pb_buf b = {0};
    uint32_t sstart = 0, send = 0;
    bool found = false;
    for (size_t i = 0; i < pr.ops.len; i++) {
        const pb_op *op = pr.ops.items[i];
        bool here = off >= op->span.start && off <= op->span.end;
        if (here) {
            if (!found) {
                sstart = op->span.start;
                send = op->span.end;
                pb_buf_printf(&b, "**pgbelay** - PostgreSQL %d\n\n", v);
            }
            found = true;
            pb_fact f;
            pb_fact_env env = env_for(cat, op);
            pb_facts_for(op, v, &env, &f);
            pb_buf_printf(&b, "**%s**", op_title(a, op));
            if (!f.known) {
                pb_buf_puts(&b, ": no lock facts (takes no lock that matters to application traffic)\n\n");
            } else {
                pb_buf_printf(&b, "\n- **%s** lock on the %s: %s\n", pb_lock_mode_name(f.lock),
                              f.target ? f.target : "relation", pb_lock_blocks_text(f.lock));
                if (f.other_lock)
                    pb_buf_printf(&b, "- **%s** lock on the %s: %s\n", pb_lock_mode_name(f.other_lock),
                                  f.other_role ? f.other_role : "other relation",
                                  pb_lock_blocks_text(f.other_lock));
                if (f.rewrite)
                    pb_buf_puts(&b,
                                "- table rewrite: the table and its indexes are rewritten under the lock\n");
                else if (f.index_build)
                    pb_buf_puts(&b, "- builds an index (full table scan and sort) under the lock\n");
                else if (f.scan)
                    pb_buf_puts(&b, "- full table scan under the lock\n");
                else
                    pb_buf_puts(&b, "- no table rewrite, no full table scan\n");
                if (f.no_tx_block)
                    pb_buf_puts(&b, "- cannot run inside a transaction block\n");
                if (f.needs_tx_block)
                    pb_buf_puts(&b, "- must run inside a transaction block\n");
                if (f.source)
                    pb_buf_printf(&b, "- source: %s\n", f.source);
                pb_buf_puts(&b, "\n");
            }
        }
        pb_catalog_apply(cat, op, cat->tx_seq + 1);
    }
    if (found) {
        json_t *h = json_object();
        json_object_set_new(
            h, "contents",
            json_pack("{s:s,s:o}", "kind", "markdown", "value", pb_lsp__jstr(pb_buf_cstr(&b), b.len)));
        json_object_set_new(h, "range", pb_lsp__range(s, d, sstart, send));
        json_decref(out);
        out = h;
    }
    pb_buf_release(&b);
    pb_arena_free(a);
    return out;
}

/* ---- code actions ----------------------------------------------------------- */

static json_t *text_edit(const pb_lsp_server *s, const lsp_doc *d, size_t start, size_t end, const char *text)
{
    return json_pack("{s:o,s:o}", "range", pb_lsp__range(s, d, start, end), "newText",
                     pb_lsp__jstr(text, strlen(text)));
}

static json_t *action(const char *title, const char *kind, json_t *diag, json_t *edit, bool preferred)
{
    json_t *a = json_pack("{s:s,s:s}", "title", title, "kind", kind);
    if (diag)
        json_object_set_new(a, "diagnostics", json_pack("[o]", diag));
    if (preferred)
        json_object_set_new(a, "isPreferred", json_true());
    json_object_set_new(a, "edit", edit);
    return a;
}

static json_t *single_edit(const lsp_doc *d, json_t *te)
{
    json_t *changes = json_object();
    json_object_set_new(changes, d->uri, json_pack("[o]", te));
    return json_pack("{s:o}", "changes", changes);
}

/* Start of the line holding `off`, and its indentation. */
static size_t line_start(const lsp_doc *d, size_t off, size_t *indent_end)
{
    size_t ls = off;
    while (ls > 0 && d->text.data[ls - 1] != '\n' && d->text.data[ls - 1] != '\r')
        ls--;
    size_t e = ls;
    while (e < off && (d->text.data[e] == ' ' || d->text.data[e] == '\t'))
        e++;
    *indent_end = e;
    return ls;
}

static char *path_uri(pb_arena *a, const char *path)
{
    char *u = pb_lsp__path_uri(path);
    char *r = pb_arena_strdup(a, u);
    free(u);
    return r;
}

/* "Plan this change": the planner's phases as new files next to the
 * migration, as `pgbelay plan --write DIR` writes them. */
static json_t *plan_action(pb_lsp_server *s, lsp_doc *d, pb_arena *a)
{
    if (!d->set || !d->before || !s->can_create_files)
        return NULL;
    const pb_migration *mig = NULL;
    for (size_t m = d->first; m < d->last && !mig; m++)
        if (d->set->items[m]->up->src == d->res.source && d->set->items[m]->rank < 2)
            mig = d->set->items[m];
    if (!mig)
        return NULL;
    pb_plan_options po = {.pg_version = pb_lsp__pg_version(d)};
    pb_plan pl;
    pb_catalog *cat = pb_catalog_clone(a, d->before);
    pb_plan_migration(a, &po, mig, cat, d->res.diags, d->res.ndiags, &pl);
    if (pl.nothing_to_change || !pl.nphases)
        return NULL;
    pb_phase_spec *specs = pb_arena_alloc(a, pl.nphases * sizeof *specs);
    for (size_t i = 0; i < pl.nphases; i++) {
        const pb_phase *ph = &pl.phases[i];
        specs[i] = (pb_phase_spec){
            .slug = ph->slug,
            .comment = pb_arena_sprintf(a, "pgbelay plan, phase %u of %zu (%s) for %s\n%s%s%s%s", ph->number,
                                        pl.nphases, pb_phase_kind_name(ph->kind), pl.path, ph->title,
                                        ph->gate_before ? "\nrun only after: " : "",
                                        ph->gate_before ? ph->gate_before : "",
                                        ph->transactional ? "" : "\nruns outside a transaction block"),
            .up = ph->up,
            .nup = ph->nup,
            .down = ph->down,
            .ndown = ph->down ? ph->ndown : 0,
            .transactional = ph->transactional,
        };
    }
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    int64_t now = sde && *sde ? strtoll(sde, NULL, 10) : (int64_t)time(NULL);
    pb_out_file *files;
    size_t nfiles;
    const char *err = NULL;
    if (!pb_framework_render(a, d->set->framework, d->set_dir, specs, pl.nphases, now, &files, &nfiles,
                             &err)) {
        pb_lsp__log(s, "plan for %s: %s", d->path, err ? err : "cannot render the phases");
        return NULL;
    }
    json_t *changes = json_array();
    for (size_t i = 0; i < nfiles; i++) {
        const char *uri = path_uri(a, pb_arena_sprintf(a, "%s/%s", d->set_dir, files[i].path));
        json_array_append_new(changes, json_pack("{s:s,s:s,s:{s:b}}", "kind", "create", "uri", uri, "options",
                                                 "ignoreIfExists", 0));
        json_t *te = json_pack("{s:{s:{s:i,s:i},s:{s:i,s:i}},s:o}", "range", "start", "line", 0, "character",
                               0, "end", "line", 0, "character", 0, "newText",
                               pb_lsp__jstr(files[i].content, strlen(files[i].content)));
        json_array_append_new(
            changes, json_pack("{s:{s:s,s:n},s:[o]}", "textDocument", "uri", uri, "version", "edits", te));
    }
    const char *title =
        pb_arena_sprintf(a, "Plan this change: %zu expand/contract phase%s as %zu new migration file%s",
                         pl.nphases, pl.nphases == 1 ? "" : "s", nfiles, nfiles == 1 ? "" : "s");
    return action(title, "refactor.rewrite", NULL, json_pack("{s:o}", "documentChanges", changes), false);
}

json_t *pb_lsp__code_actions(pb_lsp_server *s, lsp_doc *d, size_t start, size_t end)
{
    json_t *out = json_array();
    if (!d->linted)
        return out;
    pb_arena *a = pb_arena_new();
    bool any = false;
    for (size_t i = 0; i < d->res.ndiags; i++) {
        const pb_diag *g = &d->res.diags[i];
        uint32_t lo = g->span.start < g->stmt_start ? g->span.start : g->stmt_start;
        uint32_t hi = g->span.end > g->stmt_end ? g->span.end : g->stmt_end;
        if (hi < start || lo > end)
            continue;
        any = true;
        /* the rule's single-edit fix, the same edit rdjson suggests */
        pb_fix fx;
        if (pb_rule_fix(a, d->res.source, g, pb_lsp__pg_version(d), &fx)) {
            /* pb_fix never has an empty range (reviewdog cannot insert);
               an editor can, and an insertion keeps the user's text and
               cursor: drop the replaced token when the new text keeps it */
            size_t rs = fx.replace.start, re = fx.replace.end, n = re - rs, tl = strlen(fx.text);
            const char *old = d->text.data + rs;
            const char *ins = fx.text;
            if (tl > n && !memcmp(fx.text, old, n)) {
                ins = fx.text + n; /* token + new text: insert after it */
                rs = re;
            } else if (tl > n && !memcmp(fx.text + tl - n, old, n)) {
                ins = pb_arena_sprintf(a, "%.*s", (int)(tl - n), fx.text); /* new text + token */
                re = rs;
            }
            json_array_append_new(out, action(fx.title, "quickfix", pb_lsp__diagnostic(s, d, g),
                                              single_edit(d, text_edit(s, d, rs, re, ins)), true));
        }
        if (!strcmp(pb_rule_id(g->rule), "syntax-error"))
            continue;
        /* one suppression per rule and statement */
        bool dup = false;
        for (size_t k = 0; k < i; k++)
            dup |= d->res.diags[k].rule == g->rule && d->res.diags[k].stmt_start == g->stmt_start;
        if (dup)
            continue;
        size_t ie, ls = line_start(d, g->stmt_start, &ie);
        const char *comment = pb_arena_sprintf(a, "%.*s-- pgbelay-ignore %s: <reason>\n", (int)(ie - ls),
                                               d->text.data + ls, pb_rule_id(g->rule));
        json_array_append_new(out, action(pb_arena_sprintf(a, "Ignore %s for this statement (pgbelay-ignore)",
                                                           pb_rule_id(g->rule)),
                                          "quickfix", pb_lsp__diagnostic(s, d, g),
                                          single_edit(d, text_edit(s, d, ls, ls, comment)), false));
    }
    if (any) {
        json_t *p = plan_action(s, d, a);
        if (p)
            json_array_append_new(out, p);
    }
    pb_arena_free(a);
    return out;
}
