/* The language server's view of the workspace: the migration set an open
 * document belongs to (found as `pgbelay lint DIR` finds it, with the
 * editor's unsaved text in place of the file), and the catalog replayed
 * from the migrations before it, cached while those files keep their
 * contents. */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lint/lint.h"
#include "lsp/server.h"

#include "config/config.h"

/* FNV-1a, 64 bit: a cache key over the bytes the cached catalog came from. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void pb_lsp__lint_release(lsp_doc *d)
{
    if (d->linted)
        pb_result_free(&d->res);
    pb_arena_free(d->set_arena);
    d->set_arena = NULL;
    d->set = NULL;
    d->before = NULL;
    d->set_dir = NULL;
    d->linted = false;
}

void pb_lsp__walks_clear(pb_lsp_server *s)
{
    for (size_t i = 0; i < LSP_NCACHE; i++) {
        lsp_walk *w = &s->walks[i];
        for (size_t k = 0; k < w->n; k++)
            free(w->paths[k]);
        free(w->paths);
        free(w->dir);
        memset(w, 0, sizeof *w);
    }
}

void pb_lsp__cache_clear(pb_lsp_server *s)
{
    pb_lsp__walks_clear(s);
    for (size_t i = 0; i < LSP_NCACHE; i++) {
        free(s->cache[i].dir);
        pb_arena_free(s->cache[i].arena);
        memset(&s->cache[i], 0, sizeof s->cache[i]);
    }
}

typedef struct walk_ctx {
    lsp_walk *w;
    size_t max;
    const char *root;
} walk_ctx;

static void push_path(lsp_walk *w, const char *path)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 32;
        w->paths = realloc(w->paths, w->cap * sizeof *w->paths);
    }
    w->paths[w->n++] = strdup(path);
}

static void add_path(void *ud, const char *path, const char *error)
{
    walk_ctx *c = ud;
    if (error && !strcmp(path, c->root)) {
        c->w->over = true; /* the directory itself: unreadable, or the walk stopped */
        return;
    }
    if (error || c->w->over)
        return; /* unreadable entries: not part of the set the editor needs */
    if (c->w->n == c->max) {
        c->w->over = true;
        return;
    }
    push_path(c->w, path);
}

/* The *.sql files below `dir`: cached, or walked now. */
static lsp_walk *walk_dir(pb_lsp_server *s, const char *dir)
{
    for (size_t i = 0; i < LSP_NCACHE; i++)
        if (s->walks[i].dir && !strcmp(s->walks[i].dir, dir))
            return &s->walks[i];
    lsp_walk *w = &s->walks[s->walk_next];
    s->walk_next = (s->walk_next + 1) % LSP_NCACHE;
    for (size_t k = 0; k < w->n; k++)
        free(w->paths[k]);
    free(w->paths);
    free(w->dir);
    memset(w, 0, sizeof *w);
    w->dir = strdup(dir);
    walk_ctx c = {w, s->opt.max_set_files ? s->opt.max_set_files : 5000, dir};
    s->host.walk_sql(dir, add_path, &c);
    return w;
}

typedef struct pick {
    const char *path;
    pb_result res;
    bool found;
} pick;

/* Keeps the result of the document's own file; frees the others. */
static void take(void *ud, pb_result *res)
{
    pick *k = ud;
    if (!k->found && res->source && !strcmp(pb_source_path(res->source), k->path)) {
        k->res = *res;
        k->found = true;
    } else {
        pb_result_free(res);
    }
}

/* The catalog before migration `first` of `set`: from the cache when the
 * parts it was replayed from are unchanged, else replayed and cached. A
 * copy in `a`. */
static pb_catalog *catalog_before(pb_lsp_server *s, const lsp_doc *d, const char *dir, pb_migration_set *set,
                                  size_t first, pb_arena *a)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int v = pb_lsp__pg_version(d);
    h = fnv(h, &set->framework, sizeof set->framework);
    h = fnv(h, &v, sizeof v);
    h = fnv(h, &d->opt.assume_in_transaction, sizeof(bool));
    for (size_t m = 0; m < first; m++) {
        const pb_part *p = set->items[m]->up;
        h = fnv(h, p->src->path, strlen(p->src->path) + 1);
        h = fnv(h, &p->start, sizeof p->start);
        h = fnv(h, p->src->text + p->start, p->end - p->start);
    }
    for (size_t i = 0; i < LSP_NCACHE; i++) {
        lsp_cache *c = &s->cache[i];
        if (c->dir && c->first == first && c->key == h && !strcmp(c->dir, dir))
            return pb_catalog_clone(a, c->cat);
    }
    lsp_cache *c = &s->cache[s->cache_next];
    s->cache_next = (s->cache_next + 1) % LSP_NCACHE;
    free(c->dir);
    pb_arena_free(c->arena);
    c->dir = strdup(dir);
    c->first = first;
    c->key = h;
    c->arena = pb_arena_new();
    c->cat = pb_lint__start_catalog(&d->opt, c->arena);
    for (size_t m = 0; m < first; m++)
        pb_lint__replay_part(set->items[m]->up, c->cat, m, NULL, NULL);
    if (s->opt.log_timing)
        pb_lsp__log(s, "replayed %zu earlier migration%s of %s into the catalog cache", first,
                    first == 1 ? "" : "s", dir);
    return pb_catalog_clone(a, c->cat);
}

/* Lints the document on its own (no file path, or no usable set). */
static void lint_alone(pb_lsp_server *s, lsp_doc *d)
{
    pb_lint_buffer(&d->opt, d->path ? d->path : d->uri, d->text.data, d->text.len, &d->res);
    d->linted = true;
}

void pb_lsp__configs_free(pb_lsp_server *s)
{
    for (size_t i = 0; i < s->nconfigs; i++)
        pb_config_free(s->configs[i].cfg);
    for (size_t i = 0; i < s->nretired; i++)
        pb_config_free(s->retired[i]);
    for (size_t i = 0; i < s->nconfigs; i++)
        free(s->configs[i].path);
    free(s->configs);
    free(s->retired);
    s->configs = NULL;
    s->retired = NULL;
    s->nconfigs = s->nretired = 0;
}

/* The nearest .pgbelay.yaml above `path` (searched from the file's own
 * directory, not the server's working directory), loaded once and again
 * when the file changes; its problems are published on its URI. */
static const pb_config *config_for(pb_lsp_server *s, const char *path)
{
    char *copy = strdup(path);
    char *found = pb_config_find(dirname(copy));
    free(copy);
    if (!found)
        return NULL;
    struct stat sb;
    long long mt = 0, size = -1;
    if (stat(found, &sb) == 0) {
        mt = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
        size = (long long)sb.st_size;
    }
    lsp_config *c = NULL;
    for (size_t i = 0; i < s->nconfigs; i++)
        if (!strcmp(s->configs[i].path, found))
            c = &s->configs[i];
    if (c && c->mtime_ns == mt && c->size == size) {
        free(found);
        return c->cfg;
    }
    if (!c) {
        s->configs = realloc(s->configs, (s->nconfigs + 1) * sizeof *s->configs);
        c = &s->configs[s->nconfigs++];
        memset(c, 0, sizeof *c);
        c->path = found;
    } else {
        /* findings of documents linted with it point into it: keep it */
        s->retired = realloc(s->retired, (s->nretired + 1) * sizeof *s->retired);
        s->retired[s->nretired++] = c->cfg;
        free(found);
    }
    pb_config *cfg = pb_config_load(c->path);
    c->cfg = cfg;
    c->mtime_ns = mt;
    c->size = size;
    uint32_t *lines = calloc(cfg->nerrors + 1, sizeof *lines), *cols = calloc(cfg->nerrors + 1, sizeof *cols);
    const char **msgs = calloc(cfg->nerrors + 1, sizeof *msgs);
    for (size_t i = 0; i < cfg->nerrors; i++) {
        lines[i] = cfg->problems[i].line;
        cols[i] = cfg->problems[i].col;
        msgs[i] = cfg->problems[i].message;
        pb_lsp__log(s, "%s", cfg->errors[i]);
    }
    pb_lsp__publish_problems(s, c->path, lines, cols, msgs, cfg->nerrors);
    free(lines);
    free(cols);
    free(msgs);
    return cfg;
}

/* The options `d` is linted with: the editor's settings (initializationOptions,
 * the command line) over the nearest .pgbelay.yaml over the defaults. */
static void doc_options(pb_lsp_server *s, lsp_doc *d)
{
    d->opt = s->opt.lint;
    d->fw_forced = s->opt.framework_forced;
    d->fw = s->opt.framework;
    d->excluded = false;
    const pb_config *cfg = d->path ? config_for(s, d->path) : NULL;
    if (!cfg)
        return;
    pb_options o = d->opt;
    pb_config_apply(cfg, &o);
    if (s->opt.lint.pg_version)
        o.pg_version = s->opt.lint.pg_version;
    if (s->assume_set)
        o.assume_in_transaction = s->opt.lint.assume_in_transaction;
    d->opt = o;
    if (!s->opt.framework_forced && cfg->from[PB_CS_FRAMEWORK].kind == PB_FROM_FILE) {
        d->fw_forced = true;
        d->fw = cfg->framework;
    }
    d->excluded = pb_config_excluded(cfg, d->path);
}

/* Is a file of the set excluded by the document's configuration? */
static bool excluded(const lsp_doc *d, const char *path)
{
    return d->opt.config && pb_config_excluded(d->opt.config, path);
}

void pb_lsp__lint(pb_lsp_server *s, lsp_doc *d)
{
    pb_lsp__lint_release(d);
    d->dirty = false;
    doc_options(s, d);
    if (d->excluded) {
        /* excluded by .pgbelay.yaml: pgbelay lint does not read it either */
        pb_lint_buffer(&d->opt, d->path, "", 0, &d->res);
        d->res.ndiags = 0;
        d->linted = true;
        return;
    }
    if (!d->path || !s->host.set_dir || !s->host.walk_sql) {
        lint_alone(s, d);
        return;
    }
    char *dir = s->host.set_dir(d->path);
    lsp_walk *w = dir ? walk_dir(s, dir) : NULL;
    if (!w || w->over) {
        if (w)
            pb_lsp__log(s,
                        "%s cannot be read as one migration set (unreadable, more than %zu .sql files, "
                        "or too many entries to walk): %s is linted on its own",
                        dir, s->opt.max_set_files ? s->opt.max_set_files : 5000, d->path);
        free(dir);
        lint_alone(s, d);
        return;
    }
    bool listed = false;
    for (size_t i = 0; i < w->n; i++)
        listed |= !strcmp(w->paths[i], d->path);
    if (!listed) /* not saved yet, or not named *.sql: still part of the set */
        push_path(w, d->path);

    d->set_arena = pb_arena_new();
    d->set = pb_arena_alloc(d->set_arena, sizeof *d->set);
    d->set_dir = pb_arena_strdup(d->set_arena, dir);
    const char **files = pb_arena_alloc(d->set_arena, (w->n + 1) * sizeof *files);
    size_t nfiles = 0;
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->paths[i], d->path) || !excluded(d, w->paths[i]))
            files[nfiles++] = w->paths[i];
    pb_framework_load_overlay(d->set_arena, &d->opt, files, nfiles, !d->fw_forced, d->fw, d->path,
                              d->text.data, d->text.len, d->set);
    size_t first = SIZE_MAX, last = 0;
    for (size_t m = 0; m < d->set->len; m++) {
        const pb_migration *mig = d->set->items[m];
        if (!strcmp(mig->up->src->path, d->path) || (mig->down && !strcmp(mig->down->src->path, d->path))) {
            if (first == SIZE_MAX)
                first = m;
            last = m + 1;
        }
    }
    if (first == SIZE_MAX) {
        /* over the size cap or otherwise not loaded: the file alone says why */
        free(dir);
        pb_arena_free(d->set_arena);
        d->set_arena = NULL;
        d->set = NULL;
        d->set_dir = NULL;
        lint_alone(s, d);
        return;
    }
    d->first = first;
    d->last = last;
    d->before = catalog_before(s, d, dir, d->set, first, d->set_arena);
    free(dir);
    pb_arena *ra = pb_arena_new();
    pb_catalog *cat = pb_catalog_clone(ra, d->before);
    pick k = {.path = d->path};
    pb_lint__range(&d->opt, d->set, cat, first, last, take, &k);
    pb_arena_free(ra);
    if (!k.found) {
        pb_lsp__log(s, "%s: no result from its migration set; linted on its own", d->path);
        pb_lsp__lint_release(d);
        lint_alone(s, d);
        return;
    }
    d->res = k.res;
    d->linted = true;
}
