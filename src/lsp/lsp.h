/* The language server (`pgbelay lsp`, the `lsp` module of DESIGN.md): LSP
 * 3.17 over JSON-RPC on a pair of file descriptors, built on the same
 * library as `pgbelay lint`. It keeps the open documents, the migration set
 * each belongs to and the catalog replayed from the migrations before it,
 * and answers with diagnostics, hover (lock facts) and code actions.
 * Protocol facts: shared/reference/frameworks-and-formats.md §B.6. */
#ifndef PB_LSP_H
#define PB_LSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "framework/framework.h"
#include "pgbelay/pgbelay.h"

/* What the server borrows from its front end: how `pgbelay lint DIR` finds
 * the files of a migration set (src/cli/walk.c), so the editor sees the same
 * set as the command line. */
typedef struct pb_lsp_host {
    /* The directory whose files form one migration set with `path`
     * (malloc'd; the caller frees). */
    char *(*set_dir)(const char *path);
    /* Calls `add` for each *.sql file below `root` in name order (error
     * NULL), or with a message for an entry that cannot be read. */
    void (*walk_sql)(const char *root, void (*add)(void *ud, const char *path, const char *error), void *ud);
} pb_lsp_host;

/* Server settings. Zero-initialise; zero fields take the defaults. */
typedef struct pb_lsp_options {
    pb_options lint;       /* PostgreSQL version etc.; initializationOptions override */
    bool framework_forced; /* use `framework` instead of detecting it per directory */
    pb_framework framework;
    size_t max_message;   /* largest JSON-RPC body accepted, bytes (0: PB_LSP_MAX_MESSAGE) */
    int parent_poll_ms;   /* how often to check that the client process lives (0: 1000 ms) */
    size_t max_set_files; /* a directory with more *.sql files is not treated as one
                             migration set: the file is linted on its own (0: 5000) */
    FILE *log;            /* log lines ("pgbelay lsp: ..."); NULL: stderr */
    bool log_timing;      /* log how long each lint and publish took (milliseconds) */
} pb_lsp_options;

/* 64 MiB: a body claiming more is skipped without being buffered. */
#define PB_LSP_MAX_MESSAGE ((size_t)64 * 1024 * 1024)

/* Runs the server reading requests from `in_fd` and writing responses to
 * `out_fd` until `exit`, end of input, or the death of the client process
 * (InitializeParams.processId). Returns the process exit status: 0 after
 * `shutdown` then `exit`, 1 otherwise (LSP 3.17 "exit"). */
int pb_lsp_serve(int in_fd, int out_fd, const pb_lsp_host *host, const pb_lsp_options *opt);

/* ---- module-internal (src/lsp/) ------------------------------------------- */

/* A document's text with its line index. Lines end at "\n", "\r\n" or a
 * lone "\r" (LSP 3.17 "Text Documents"). */
typedef struct pb_lsp_text {
    char *data; /* malloc'd, NUL-terminated */
    size_t len, cap;
    uint32_t *lines; /* byte offset of the start of each line; lines[0] == 0 */
    uint32_t nlines, lines_cap;
} pb_lsp_text;

/* Position units negotiated at initialize. */
typedef enum pb_lsp_encoding {
    PB_LSP_UTF16 = 0, /* the mandatory default */
    PB_LSP_UTF8 = 1,
    PB_LSP_UTF32 = 2,
} pb_lsp_encoding;

/* Replaces the text (copied) and rebuilds the line index. */
void pb_lsp__text_set(pb_lsp_text *t, const char *s, size_t n);
/* Replaces bytes [start, end) by s[0..n) and rebuilds the line index. */
void pb_lsp__text_splice(pb_lsp_text *t, size_t start, size_t end, const char *s, size_t n);
void pb_lsp__text_free(pb_lsp_text *t);

/* Byte offset of an LSP position (0-based line, 0-based `character` in
 * units of `enc`). A character past the end of its line means the end of
 * the line (LSP 3.17 "Position"); a position inside a UTF-16 surrogate
 * pair or a UTF-8 sequence is moved to the start of that character.
 * Returns false when `line` is past the last line (the end of the text is
 * line nlines - 1). */
bool pb_lsp__offset(const pb_lsp_text *t, pb_lsp_encoding enc, int64_t line, int64_t character, size_t *off);
/* The LSP position of a byte offset (clamped to the text). */
void pb_lsp__position(const pb_lsp_text *t, pb_lsp_encoding enc, size_t off, uint32_t *line,
                      uint32_t *character);

#endif
