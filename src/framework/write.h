/* Framework writers: render planned phases as new migration files in a
 * migration tool's own conventions (file names, ordering, up/down parts,
 * no-transaction markers), and write them without overwriting anything or
 * escaping the target directory (shared/reference/frameworks-and-formats.md
 * Part A; docs/frameworks.md "Writing migrations"). */
#ifndef PB_FRAMEWORK_WRITE_H
#define PB_FRAMEWORK_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "framework/framework.h"

/* One phase to write as one migration (or, where the tool needs it, several:
 * see pb_framework_render). Strings are borrowed for the call. */
typedef struct pb_phase_spec {
    const char *slug;    /* file-name part, [a-z0-9_]+, e.g. "add_index_users_email" */
    const char *comment; /* header comment, several lines separated by '\n' (no "-- "), or NULL */
    const char **up;     /* deploy statements, each complete SQL text ending in ';' (no newline) */
    size_t nup;
    const char **down; /* rollback statements in the order to run them; NULL/0 = none possible */
    size_t ndown;
    bool transactional; /* false: must run outside a transaction block, one statement at a time */
} pb_phase_spec;

/* A rendered file: `path` relative to the target directory ("0005_x.up.sql",
 * "2024-01-01-000000_x/up.sql"), `content` its full text. Arena-owned. */
typedef struct pb_out_file {
    const char *path;
    const char *content;
} pb_out_file;

/* Renders `phases` in order as new migrations of `fw` for directory `dir`.
 * Existing files in `dir` are listed (not modified) to continue their
 * versioning style (sequential numbers with the same width, or timestamps)
 * after the newest one, so names never collide and sort after everything
 * present; a missing `dir` starts with the tool's own default. `now`
 * (seconds since the epoch, UTC) is the clock for timestamp versions;
 * callers pass SOURCE_DATE_EPOCH when set, else time(NULL).
 * A non-transactional phase of several statements becomes one migration
 * per statement ("<slug>_1", "<slug>_2", ...) where the tool would send it
 * as one query string (or, for Flyway, mixes statements Flyway runs outside
 * a transaction with others; Liquibase: one changeset per statement in the
 * phase's file, when a dollar-quoted body is among them); its rollback
 * statements go to the steps last to first. Files come out migration by migration: up, down, side files.
 * Returns true and sets *out / *nout (arena-owned), or false with *err set
 * (arena string) when the framework cannot express a phase (refinery and
 * node-pg-migrate: a non-transactional phase; sqitch, graphile-migrate: not
 * supported), a phase is malformed (slug not [a-z0-9_]+, no statements), or
 * `dir` cannot be read. docs/frameworks.md "Writing migrations" shows what
 * each tool's files look like. */
bool pb_framework_render(pb_arena *a, pb_framework fw, const char *dir, const pb_phase_spec *phases, size_t n,
                         int64_t now, pb_out_file **out, size_t *nout, const char **err);

/* Writes rendered files below `dir`, creating `dir` and sub-directories as
 * needed. Refuses (false, *err set) any path that is absolute, has an
 * empty, "." or ".." component, is listed twice, already exists, or goes
 * through a symbolic link below `dir` (any link, even one that stays inside:
 * components are opened with O_NOFOLLOW; `dir` itself may be a link), and
 * never overwrites an existing file (O_EXCL). Every path is checked before
 * anything is written, so nothing is written if one is refused; an I/O
 * error part-way is reported with the file name, and the files and
 * directories this call made are removed again. */
bool pb_framework_write_files(pb_arena *a, const char *dir, const pb_out_file *files, size_t n,
                              const char **err);

#endif
