/* pgbelay public API: lint PostgreSQL schema migrations with the real
 * PostgreSQL parser and report lock-heavy, rewriting and destructive
 * statements.
 *
 * Ownership rule for the whole API: a `pb_result` owns every string and
 * array reachable from it (diagnostics, messages, the source text) until
 * `pb_result_free`.  Nothing returned here must be freed separately.
 *
 * Positions: every span is a pair of 0-based byte offsets into the source
 * bytes, end exclusive.  `pb_source_position` converts an offset to the
 * 1-based line and the column unit a format needs.
 */
#ifndef PGBELAY_H
#define PGBELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PB_VERSION "0.1.0"

/* PostgreSQL major versions whose behaviour pgbelay models. */
#define PB_PG_VERSION_MIN 11
#define PB_PG_VERSION_MAX 17
#define PB_PG_VERSION_DEFAULT 15

/* Files larger than this are reported (`file-too-large`) and not parsed.
 * 64 MiB; `pb_options.max_file_size` overrides it. */
#define PB_DEFAULT_MAX_FILE_SIZE ((size_t)64 * 1024 * 1024)

/* Operational status (never used for findings). */
typedef enum pb_status {
    PB_OK = 0,
    PB_ERR_IO,       /* a file could not be read */
    PB_ERR_NOMEM,    /* allocation failed */
    PB_ERR_USAGE,    /* bad arguments */
    PB_ERR_INTERNAL, /* a bug or an unexpected library failure */
} pb_status;

/* Human-readable text for a status; static storage. */
const char *pb_status_str(pb_status st);

/* Severity of a finding, ordered: a higher value is more severe. */
typedef enum pb_severity {
    PB_SEV_INFO = 1,
    PB_SEV_WARNING = 2,
    PB_SEV_ERROR = 3,
} pb_severity;

/* "info", "warning", "error"; static storage. */
const char *pb_severity_name(pb_severity sev);
/* Parses "info|warning|error"; returns 0 for anything else. */
pb_severity pb_severity_parse(const char *name);

/* A byte range: 0-based offsets, end exclusive. */
typedef struct pb_span {
    uint32_t start;
    uint32_t end;
} pb_span;

/* Static description of a rule, generated from rules/<id>.yaml. */
typedef struct pb_rule_info pb_rule_info;

/* Accessors for rule metadata (static storage). */
const char *pb_rule_id(const pb_rule_info *r);
const char *pb_rule_code(const pb_rule_info *r);
const char *pb_rule_summary(const pb_rule_info *r);
pb_severity pb_rule_default_severity(const pb_rule_info *r);
/* The rule's rationale (`why:`) and safe alternative (`instead:`) from its
 * YAML, as written there (paragraphs, Markdown code spans and indented
 * code blocks; may be ""). Static storage. */
const char *pb_rule_why(const pb_rule_info *r);
const char *pb_rule_instead(const pb_rule_info *r);

/* All rules in code order; `*n` receives the count. Static storage. */
const pb_rule_info *const *pb_rules(size_t *n);
/* The rule with this id or code ("create-index-non-concurrent" or
 * "PB101"), or NULL. */
const pb_rule_info *pb_rule_find(const char *id_or_code);

/* One finding. */
typedef struct pb_diag {
    const pb_rule_info *rule;
    pb_severity severity;
    pb_span span;        /* what the finding is about */
    uint32_t stmt_start; /* the whole statement, for code frames */
    uint32_t stmt_end;
    const char *message; /* one sentence, no trailing period */
    const char *help;    /* what to do instead; may be NULL */
} pb_diag;

/* A schema the migrations start from (--schema FILE): see pb_schema_load. */
typedef struct pb_schema pb_schema;

/* A loaded .pgbelay.yaml (src/config/config.h): rule settings, custom
 * rules, suppression policy. */
typedef struct pb_config pb_config;

/* Options of one lint run. Zero-initialise, then set fields; a zero
 * `pg_version` means PB_PG_VERSION_DEFAULT, a zero `max_file_size`
 * means PB_DEFAULT_MAX_FILE_SIZE. */
typedef struct pb_options {
    int pg_version;
    bool assume_in_transaction; /* the runner wraps each file in BEGIN/COMMIT */
    size_t max_file_size;       /* bytes */
    const pb_schema *schema;    /* seed for the catalog, or NULL: start from an empty database.
                                   Borrowed; read-only, so one schema serves every thread. */
    const pb_config *config;    /* rule settings, custom rules and suppression policy, or NULL for the
                                   defaults. Borrowed and read-only; it must outlive every result
                                   (custom rules' findings point into it). */
} pb_options;

/* The bytes of one input with its line index. */
typedef struct pb_source pb_source;

/* Column units for `pb_source_position`. */
typedef enum pb_col_unit {
    PB_COL_BYTES = 0,   /* UTF-8 bytes */
    PB_COL_UTF16 = 1,   /* UTF-16 code units (LSP default, SARIF) */
    PB_COL_CHARS = 2,   /* Unicode code points */
    PB_COL_DISPLAY = 3, /* code points with tabs expanded to stops of 8 (GNU) */
} pb_col_unit;

/* Converts a byte offset to a 1-based line and a 1-based column in the
 * given unit. An offset past the end is clamped to the end. */
void pb_source_position(const pb_source *src, uint32_t off, pb_col_unit unit, uint32_t *line, uint32_t *col);
/* The display path given when the source was made. */
const char *pb_source_path(const pb_source *src);
/* The bytes as read (not NUL-terminated in general) and their length. */
const char *pb_source_text(const pb_source *src, size_t *len);
/* Byte offsets [start, end) of 1-based line `line` without its line end. */
bool pb_source_line(const pb_source *src, uint32_t line, uint32_t *start, uint32_t *end);

/* The result of linting one input. */
typedef struct pb_result {
    pb_source *source; /* always set; empty when the file could not be read */
    pb_diag *diags;    /* sorted by position, then rule code */
    size_t ndiags;
    size_t nstatements; /* statements parsed (including ones before errors) */
    pb_status status;   /* PB_ERR_IO when the file could not be read */
    char *error;        /* operational error message when status != PB_OK */
    struct pb_arena *arena;
} pb_result;

/* Lints a file. `path` is read as is; `display_path` (or `path` when NULL)
 * appears in the report. Always fills `*out`; the caller frees it with
 * `pb_result_free`. Returns out->status. */
pb_status pb_lint_file(const pb_options *opt, const char *path, const char *display_path, pb_result *out);

/* Lints bytes held in memory (copied). Same contract as pb_lint_file. */
pb_status pb_lint_buffer(const pb_options *opt, const char *display_path, const char *bytes, size_t len,
                         pb_result *out);

/* Releases everything the result owns; the struct is zeroed. */
void pb_result_free(pb_result *res);

/* Releases the PostgreSQL parser's memory held by the main thread
 * (libpg_query keeps a top memory context per thread). Optional; call it
 * from the main thread before the process exits to leave nothing reachable.
 * Do not call it from other threads: libpg_query frees their memory itself
 * when they exit, and a second release would free it twice. Nothing may be
 * linted on the thread after it: Debian's libpg_query 15-4 leaves the
 * released contexts on its allocator's free list, and the next parse
 * crashes in AllocSetContextCreateInternal (seen by the regress suite). */
void pb_thread_cleanup(void);

/* Loads a schema dump (`pg_dump --schema-only` output, a Rails
 * structure.sql, or any plain SQL that creates the starting schema) and
 * replays it into a catalog that every lint run with `opt->schema` set
 * starts from. psql meta-command lines (\connect, \restrict) and COPY data
 * are skipped as psql would. A syntax error does not stop the load: the
 * statements around it still count, and the error is kept as a problem
 * (see pb_schema_problem). Returns NULL when the file cannot be read or is
 * over opt's size cap, with a malloc'd message in *err (caller frees).
 * Free with pb_schema_free. */
pb_schema *pb_schema_load(const pb_options *opt, const char *path, char **err);
/* Problems met while loading, as "path:line:col: message" (1-based line,
 * column in UTF-8 bytes); NULL past the last. Owned by the schema. */
const char *pb_schema_problem(const pb_schema *s, size_t i);
/* Number of tables, views and materialized views the schema created. */
size_t pb_schema_ntables(const pb_schema *s);
void pb_schema_free(pb_schema *s);

/* Counts diagnostics at or above `sev`. */
size_t pb_result_count(const pb_result *res, pb_severity sev);

#ifdef __cplusplus
}
#endif

#endif
