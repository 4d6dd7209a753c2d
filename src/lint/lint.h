/* The lint pipeline over a migration set (internal to the library and
 * CLI): parts are linted in migration order against one replayed catalog;
 * each source's result is handed over as soon as it is complete. */
#ifndef PB_LINT_H
#define PB_LINT_H

#include "catalog/catalog.h"
#include "framework/framework.h"
#include "pgbelay/pgbelay.h"

/* Receives a finished result; the callee owns it (pb_result_free). The
 * result's source belongs to the set and lives as long as the set's arena. */
typedef void (*pb_lint_emit_fn)(void *ud, pb_result *res);

/* Says whether findings of the file at `path` are wanted (--since). */
typedef bool (*pb_lint_report_fn)(void *ud, const char *path);

/* Lints `set` (loaded with pb_framework_load). Results come in migration
 * order, unloadable files first. With `report` (NULL: everything), a
 * migration none of whose files is wanted is only replayed into the
 * catalog (parsed and applied, no rules, no result), so later migrations
 * still see the schema it builds. */
void pb_lint__set(const pb_options *opt, pb_migration_set *set, pb_lint_emit_fn emit, void *ud,
                  pb_lint_report_fn report, void *rud);

/* Lints migrations [first, last) of `set` against `cat` (the catalog as
 * the migrations before `first` left it; replayed into, so pass a copy to
 * keep the original), every finding reported. The language server uses it
 * to re-lint one migration against a cached catalog of the ones before. */
void pb_lint__range(const pb_options *opt, pb_migration_set *set, pb_catalog *cat, size_t first, size_t last,
                    pb_lint_emit_fn emit, void *ud);

/* The text of a part's source as the parser must see it: NUL bytes as
 * spaces, template regions as 'x', erased regions filled (a copy in `a`
 * when anything changes, else the source's own text). The result must be
 * writable for pb_parse_range, which NUL-terminates ranges in place and
 * restores them. */
char *pb_lint__part_text(pb_arena *a, const pb_part *part);

/* Replays a part into `cat` as migration `mig_index` (SIZE_MAX: before
 * every migration, as a schema seed) without running rules. Syntax errors
 * go to `on_error` (may be NULL) with their byte offset into the source. */
void pb_lint__replay_part(const pb_part *part, pb_catalog *cat, size_t mig_index,
                          void (*on_error)(void *ud, uint32_t offset, const char *message), void *ud);

/* The catalog a run starts from, in `a`: a copy of opt->schema's, or empty. */
pb_catalog *pb_lint__start_catalog(const pb_options *opt, pb_arena *a);

/* The catalog of a loaded schema (schema.c); read-only. */
const pb_catalog *pb_schema__catalog(const pb_schema *s);

#endif
