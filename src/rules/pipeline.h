/* Rules emitted by the pipeline rather than per op: input checks (source
 * stage) and syntax errors (parse stage). Each lives in src/rules/<id>.c. */
#ifndef PB_RULES_PIPELINE_H
#define PB_RULES_PIPELINE_H

#include "parse/parse.h"
#include "rules/rule.h"

/* invalid-utf8: the first invalid byte of the source. */
void pb_rule__invalid_utf8_emit(pb_diag_sink *sink, const pb_source *src);
/* nul-byte: the first NUL byte; `count` of them in all. */
void pb_rule__nul_byte_emit(pb_diag_sink *sink, const pb_source *src, size_t count);
/* file-too-large: `size` bytes over the `limit`. */
void pb_rule__file_too_large_emit(pb_diag_sink *sink, size_t size, size_t limit);
/* empty-file: no statement to run. */
void pb_rule__empty_file_emit(pb_diag_sink *sink);
/* syntax-error: one parser error; `checked_before` says statements before
 * it were parsed and checked. */
void pb_rule__syntax_error_emit(pb_diag_sink *sink, const pb_source *src, const pb_syntax_error *e,
                                bool checked_before);

/* migration-layout: a problem with how the migration tool will read the
 * files (marker order, mixed layouts); `offset` in the source, 0 if none. */
void pb_rule__migration_layout_emit(pb_diag_sink *sink, uint32_t offset, const char *message);

/* rollback-does-not-undo / rollback-cannot-restore-data: one difference
 * between the state before the up part and after up + down, reported on
 * the down part's first statement (in [start, end) of `src`). */
void pb_rule__rollback_emit(pb_diag_sink *sink, const pb_source *src, uint32_t start, uint32_t end,
                            bool data_loss, const char *message);

void pb_rule__rollback_data_loss_emit(pb_diag_sink *sink, const pb_source *src, uint32_t start, uint32_t end,
                                      const char *message);
/* ---- names written with template regions ---------------------------------- */

/* A name written with a template region of the migration tool (${schema},
 * {{ .Table }}, :NAME), which the parser reads as the same number of 'x'
 * bytes: as the parser read it ("xxxxxxxxx", "app_xxxxxx") and as written
 * ("${schema}", "app_${env}"), the identifier at byte `at` of `src`. */
typedef struct pb_template_name {
    const char *parsed;
    const char *written;
    const pb_source *src;
    uint32_t at;
} pb_template_name;

/* Appends to `*names` (arena array of `*n`, capacity `*cap`) the
 * identifiers of `src` that contain one of its template `regions` (byte
 * spans, in [start, end)). */
void pb_rule__template_names(pb_arena *a, const pb_source *src, uint32_t start, uint32_t end,
                             const pb_span *regions, size_t nregions, pb_template_name **names, size_t *n,
                             size_t *cap);
/* Rewrites the messages and help texts of `diags` (findings of `src`) so
 * that each name the parser read from a template region shows as written
 * ("xxxxxxxxx.users" becomes "${schema}.users"). Where one parsed name
 * stands for several written ones, the one in the finding's statement
 * wins, then the nearest one before it. New strings go to `a`. */
void pb_rule__restore_template_names(pb_arena *a, pb_diag *diags, size_t ndiags, const pb_source *src,
                                     const pb_template_name *names, size_t n);

/* unused-ignore: a suppression comment at `comment` that suppressed nothing. */
void pb_rule__unused_ignore_emit(pb_diag_sink *sink, pb_span comment, const char *message);
/* ignore-without-reason: a suppression comment (`keyword` pgbelay-ignore or
 * pgbelay-ignore-file) without ": reason". */
void pb_rule__ignore_without_reason_emit(pb_diag_sink *sink, pb_span comment, const char *keyword);

/* First token of [start, end) past blank lines and -- comments. */
uint32_t pb_rule__part_first_token(const pb_source *src, uint32_t start, uint32_t end);

#endif
