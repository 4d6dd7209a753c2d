/* Language server internals shared by the src/lsp/ files: the server state, open
 * documents and the catalog cache. */
#ifndef PB_LSP_SERVER_H
#define PB_LSP_SERVER_H

#include <jansson.h>
#include <sys/types.h>

#include "catalog/catalog.h"
#include "core/arena.h"
#include "lsp/lsp.h"

/* An open document and what its last lint left behind. */
typedef struct lsp_doc {
    char *uri;
    char *path; /* file-system path of a file:// URI, else NULL */
    int64_t version;
    pb_lsp_text text;
    bool dirty; /* changed since it was last linted */

    /* the options it is linted with: the server's, refined by the nearest
       .pgbelay.yaml when the configuration module is built in */
    pb_options opt;
    bool fw_forced;
    pb_framework fw;
    bool excluded; /* the config's exclude globs match it: no findings */

    /* the last lint (valid when !dirty) */
    bool linted;
    pb_result res;         /* findings of this document; spans are offsets into `text` */
    pb_arena *set_arena;   /* holds `set`, the result's source and `before` */
    pb_migration_set *set; /* the migration set the document was linted in, or NULL (on its own) */
    size_t first, last;    /* its migrations in `set`: [first, last) */
    pb_catalog *before;    /* the catalog before migration `first` (in set_arena), or NULL */
    const char *set_dir;   /* directory of the set (in set_arena), or NULL */
} lsp_doc;

/* The catalog replayed from the migrations before one document's, kept
 * while those files keep their contents. */
typedef struct lsp_cache {
    char *dir;
    size_t first;
    uint64_t key; /* hash of framework, version, paths and bytes of the replayed parts */
    pb_arena *arena;
    pb_catalog *cat;
} lsp_cache;

#define LSP_NCACHE 8

/* The *.sql files of a set directory, walked once and reused while the
 * editor types (walked again after didOpen, didSave, didChangeWatchedFiles). */
typedef struct lsp_walk {
    char *dir;
    char **paths;
    size_t n, cap;
    bool over; /* more than max_set_files: not used as a set */
} lsp_walk;

/* A loaded .pgbelay.yaml, kept while its file is unchanged. */
typedef struct lsp_config {
    char *path;
    long long mtime_ns, size;
    void *cfg; /* pb_config * (src/config/) */
} lsp_config;

typedef struct pb_lsp_server {
    pb_lsp_options opt;
    pb_lsp_host host;
    FILE *log;
    int out_fd;
    bool initialized, shutdown;
    pb_lsp_encoding enc;
    pid_t parent;          /* 0: unknown */
    bool can_create_files; /* client applies CreateFile in workspace edits */
    lsp_doc **docs;
    size_t ndocs, docs_cap;
    lsp_cache cache[LSP_NCACHE];
    size_t cache_next;
    lsp_walk walks[LSP_NCACHE];
    size_t walk_next;
    bool assume_set;     /* assumeInTransaction given by the editor */
    lsp_config *configs; /* loaded .pgbelay.yaml files */
    size_t nconfigs;
    void **retired; /* replaced configs, freed at exit: results may still point into them */
    size_t nretired;
} pb_lsp_server;

/* Writes one log line "pgbelay lsp: ..." to the server's log. */
void pb_lsp__log(pb_lsp_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Lints `d` in its migration set (workspace.c); replaces its last result. */
void pb_lsp__lint(pb_lsp_server *s, lsp_doc *d);
/* Releases what the last lint of `d` holds. */
void pb_lsp__lint_release(lsp_doc *d);
/* Drops every cached catalog and directory listing (files changed on disk). */
void pb_lsp__cache_clear(pb_lsp_server *s);
/* Drops the cached directory listings (a file may have been added). */
void pb_lsp__walks_clear(pb_lsp_server *s);

/* A JSON string from bytes that may not be valid UTF-8 (bad bytes become
 * U+FFFD): Jansson refuses invalid UTF-8. */
json_t *pb_lsp__jstr(const char *s, size_t n);
/* An LSP Range for bytes [start, end) of `d`. */
json_t *pb_lsp__range(const pb_lsp_server *s, const lsp_doc *d, size_t start, size_t end);
/* The LSP Diagnostic of one finding. */
json_t *pb_lsp__diagnostic(const pb_lsp_server *s, const lsp_doc *d, const pb_diag *g);

/* textDocument/hover at byte `off` (features.c): a Hover or json_null(). */
json_t *pb_lsp__hover(pb_lsp_server *s, lsp_doc *d, size_t off);
/* textDocument/codeAction for bytes [start, end): an array of CodeAction. */
json_t *pb_lsp__code_actions(pb_lsp_server *s, lsp_doc *d, size_t start, size_t end);

/* The PostgreSQL major version `d` is linted for. */
int pb_lsp__pg_version(const lsp_doc *d);
/* Publishes the problems of a configuration file (1-based line, 1-based
 * byte column) as diagnostics on its URI; none clears them. */
void pb_lsp__publish_problems(pb_lsp_server *s, const char *path, const uint32_t *lines, const uint32_t *cols,
                              const char *const *messages, size_t n);
/* The file:// URI of an absolute path, percent-encoded (malloc'd). */
char *pb_lsp__path_uri(const char *path);
/* Frees the loaded configurations (workspace.c). */
void pb_lsp__configs_free(pb_lsp_server *s);

#endif
