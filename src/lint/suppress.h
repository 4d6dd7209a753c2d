/* Suppression comments, applied in the library's lint path so that every
 * way of linting (files, stdin, the LSP) honours them:
 *
 *   -- pgbelay-ignore RULE[,RULE...]: reason        the next statement
 *   -- pgbelay-ignore-file RULE[,RULE...]: reason   the whole file
 *
 * RULE is a rule id, a code (PB115) or a custom rule id (custom:NAME). A
 * statement directive sits in the comments between the previous statement
 * and the one it applies to; one written after a statement on the same
 * line applies to that statement. */
#ifndef PB_LINT_SUPPRESS_H
#define PB_LINT_SUPPRESS_H

#include "rules/rule.h"

/* Applies rule settings (disabled rules, severities) of opt->config to
 * sink's findings, then the suppression comments of `src`: suppressed
 * findings are removed; a directive without a reason (when the config
 * requires one) is reported as `ignore-without-reason`, and each rule of a
 * directive that suppressed nothing as `unused-ignore`. `stmts` are the
 * byte spans of the statements of `src` (any order; comments are looked
 * for only outside them). New strings go to `a`. */
void pb_lint__suppress(const pb_options *opt, pb_arena *a, const pb_source *src, pb_span *stmts,
                       size_t nstmts, pb_diag_sink *sink);

/* Only the rule settings of opt->config (for results with no statements
 * to look at, such as file-too-large). */
void pb_lint__apply_rule_settings(const pb_options *opt, pb_diag_sink *sink);

#endif
