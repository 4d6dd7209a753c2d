/* Framework: each migration tool's conventions (shared/reference/
 * frameworks-and-formats.md Part A). It turns files into a migration set:
 * migrations in the tool's order, each with an up part and an optional down
 * part; each part a byte range of a source file, with the transaction mode
 * the tool runs it in and the template regions the tool expands. */
#ifndef PB_FRAMEWORK_H
#define PB_FRAMEWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "pgbelay/pgbelay.h"
#include "source/source.h"

typedef enum pb_framework {
    PB_FW_PLAIN = 0, /* plain SQL: only explicit BEGIN/COMMIT (psql, Django sqlmigrate, Alembic --sql) */
    PB_FW_GOLANG_MIGRATE,
    PB_FW_GOOSE,
    PB_FW_DBMATE,
    PB_FW_SQL_MIGRATE,
    PB_FW_FLYWAY,
    PB_FW_LIQUIBASE,
    PB_FW_SQITCH,
    PB_FW_DIESEL,
    PB_FW_SQLX,
    PB_FW_REFINERY,
    PB_FW_PRISMA,
    PB_FW_ATLAS,
    PB_FW_TERN,
    PB_FW_NODE_PG_MIGRATE,
    PB_FW_GRAPHILE_MIGRATE,
    PB_FW__COUNT
} pb_framework;

/* "goose", "golang-migrate", ...; static. */
const char *pb_framework_name(pb_framework fw);
/* Parses a --framework value; false if unknown. */
bool pb_framework_parse(const char *name, pb_framework *out);

/* How the tool runs a part (frameworks-and-formats.md §0). */
typedef enum pb_tx_mode {
    PB_TX_NONE = 0,  /* no transaction added; statements sent one at a time */
    PB_TX_WRAPPED,   /* the tool wraps the part in BEGIN ... COMMIT */
    PB_TX_ONE_QUERY, /* no BEGIN, but the part is sent as one query string: with more
                        than one statement PostgreSQL runs it as one implicit transaction */
} pb_tx_mode;

const char *pb_tx_mode_name(pb_tx_mode m);

/* A region the tool removes or rewrites before PostgreSQL sees the text.
 * The linter fills bytes [start, end) with `fill` (offsets unchanged):
 * ' ' for text that vanishes (psql meta-command lines, COPY ... FROM stdin
 * data, Liquibase "--rollback " prefixes and --ignoreLines, tern
 * {{ template }} / {{ if }} actions), ';' for the first byte of a custom
 * statement delimiter (Atlas -- atlas:delimiter, Liquibase endDelimiter). */
typedef struct pb_fill {
    uint32_t start, end;
    char fill;
} pb_fill;

/* One part of a migration: bytes [start, end) of `src`. */
typedef struct pb_part {
    pb_source *src;
    uint32_t start, end;
    bool down; /* a rollback part */
    pb_tx_mode tx;
    const char *tx_reason; /* why, for messages: "goose wraps each migration in a transaction" */
    pb_span *opaque;       /* template regions (${VAR}, {{ .x }}, :PLACEHOLDER) the tool expands to a
                              value: read as an identifier of the same length ('x') */
    size_t nopaque;
    pb_fill *erase; /* regions the tool removes or rewrites: filled with their `fill` byte */
    size_t nerase;
} pb_part;

typedef struct pb_migration {
    const char *version; /* as the tool orders it */
    const char *name;
    pb_part *up;       /* never NULL */
    pb_part *down;     /* NULL when there is none */
    bool expects_down; /* the tool and project use down parts */
    uint32_t rank;     /* first sort key: 0; 1 what runs after the others (Flyway R__); 2 a file
                          the tool does not run as a migration (callback, stray file), linted last */
    uint32_t seq;      /* order of creation: the last sort key */
} pb_migration;

/* A problem with the layout itself (ambiguous framework, bad marker order,
 * unreadable file): reported as a finding at a source position, or with
 * src NULL as a run-level error. */
typedef struct pb_fw_problem {
    pb_source *src;
    uint32_t offset;
    const char *message;
} pb_fw_problem;

/* A file that could not be loaded: unreadable (error set) or over the size
 * cap (size set). */
typedef struct pb_unloaded {
    const char *path;
    const char *error;
    size_t size;
} pb_unloaded;

typedef struct pb_migration_set {
    pb_framework framework;
    bool detected; /* chosen by detection (false: --framework) */
    pb_migration **items;
    size_t len, cap;
    pb_fw_problem *problems;
    size_t nproblems, problems_cap;
    pb_unloaded *unloaded;
    size_t nunloaded, unloaded_cap;
} pb_migration_set;

/* Builds the migration set of `files` (paths already collected, in any
 * order), with `fw` forced unless `detect` is true. Every allocation is in
 * `a`; sources are read with the size cap of `opt`. Unreadable files become
 * problems; the rest still load. */
void pb_framework_load(pb_arena *a, const pb_options *opt, const char *const *files, size_t nfiles,
                       bool detect, pb_framework fw, pb_migration_set *out);

/* The same, with the file at `overlay_path` (one of `files`, compared as
 * given) read from text[0..len) instead of the disk: an editor's unsaved
 * buffer (the language server). `text` is copied. */
void pb_framework_load_overlay(pb_arena *a, const pb_options *opt, const char *const *files, size_t nfiles,
                               bool detect, pb_framework fw, const char *overlay_path, const char *text,
                               size_t len, pb_migration_set *out);

/* Splits one source into parts by the markers of `fw` (goose, dbmate,
 * sql-migrate, tern, node-pg-migrate, liquibase changesets, atlas and
 * graphile-migrate headers) or as a single up part, with the tool's
 * transaction mode and template regions. A Liquibase changelog adds one
 * migration per changeset. Exposed for single files and stdin. */
void pb_framework_split_source(pb_arena *a, pb_framework fw, pb_source *src, pb_migration_set *set,
                               const char *version, const char *name);

/* The framework whose markers `src` carries, or PB_FW_PLAIN. */
pb_framework pb_framework_detect_source(const pb_source *src);

/* Internal: append helpers used by the adapters. */
pb_migration *pb_framework__add(pb_arena *a, pb_migration_set *set, const char *version, const char *name);
pb_part *pb_framework__part(pb_arena *a, pb_source *src, uint32_t start, uint32_t end, bool down,
                            pb_tx_mode tx, const char *reason);
void pb_framework__problem(pb_arena *a, pb_migration_set *set, pb_source *src, uint32_t offset,
                           const char *message);
void pb_framework__unreadable(pb_arena *a, pb_migration_set *set, const char *path, const char *error,
                              size_t size);
void pb_framework__erase(pb_arena *a, pb_part *p, uint32_t start, uint32_t end, char fill);
void pb_framework__opaque(pb_arena *a, pb_part *p, uint32_t start, uint32_t end);
/* Flyway's own detection of statements that cannot run in a transaction
 * (its PostgreSQLParser.detectCanExecuteInTransaction, keyword patterns):
 * when `p` holds one, Flyway runs the migration without a transaction, and
 * refuses it when transactional statements share it unless `mixed`
 * (frameworks-and-formats.md A.5). Sets p->tx; a refusal is a problem. */
void pb_framework__flyway_auto(pb_arena *a, pb_migration_set *set, pb_part *p, int pg_version, bool mixed);

#endif
