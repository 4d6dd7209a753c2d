/* Parse: runs libpg_query's raw parser over one source part and lowers the
 * raw parse tree to IR ops. This header exposes no PostgreSQL types; only
 * src/parse/ includes libpg_query or PostgreSQL headers. */
#ifndef PB_PARSE_H
#define PB_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "ir/ir.h"

/* A syntax error: byte offset into the part's text (0-based) and the
 * parser's message. */
typedef struct pb_syntax_error {
    uint32_t offset;
    uint32_t stmt_start, stmt_end; /* the statement that failed, bytes */
    const char *message;
} pb_syntax_error;

typedef struct pb_parse_result {
    pb_ops ops;     /* lowered ops, in statement order */
    pb_span *stmts; /* span of every parsed statement (trimmed) */
    size_t nstmts;
    pb_syntax_error *errors;
    size_t nerrors;
} pb_parse_result;

/* Parses text[0..len) and lowers it. `text` must be NUL-terminated at len
 * and contain no NUL before (the caller replaces NUL bytes by spaces, which
 * keeps offsets). Ranges are NUL-terminated in place while they are parsed,
 * so `text` must be writable; it is unchanged on return. On a syntax error the statements before it are kept,
 * the error is recorded, and parsing resumes after the failing statement. Every allocation of the result is
 * in `a`. PostgreSQL's memory context for the raw tree is released before returning. Returns PB_OK, or
 * PB_ERR_INTERNAL when libpg_query fails unexpectedly. */
pb_status pb_parse_part(pb_arena *a, char *text, size_t len, pb_parse_result *out);

/* The same for the bytes [start, end) of `text` (a part of a source);
 * offsets in the result are offsets into `text`. text[end] is restored. */
pb_status pb_parse_range(pb_arena *a, char *text, size_t start, size_t end, pb_parse_result *out);

/* Converts libpg_query's 1-based character cursor position to a 0-based
 * byte offset in text[0..len). PostgreSQL counts characters with the
 * UTF-8 lead-byte rule of pg_utf_mblen. */
uint32_t pb_parse__cursor_to_offset(const char *text, size_t len, int cursorpos);

/* ABI guard: a canonical summary of every statement of `text` (kind,
 * relation names, span, key flags), one line per statement, made once from
 * the raw parse tree as the walker sees it and once from libpg_query's own
 * JSON output. Equal summaries mean the PostgreSQL headers match the
 * library. Returned strings are malloc'd; free() them. NULL on a syntax
 * error. */
char *pb_parse__abi_summary_raw(const char *text);
char *pb_parse__abi_summary_json(const char *text);

#endif
