/* syntax-error: the PostgreSQL 15 parser rejected a statement (parse
 * stage). Parsing resumes after the failing statement. */
#include "rules/pipeline.h"

void pb_rule__syntax_error_emit(pb_diag_sink *sink, const pb_source *src, const pb_syntax_error *e,
                                bool checked_before)
{
    uint32_t end = e->offset < src->len ? e->offset + 1 : e->offset;
    pb_diag_sink_add(sink, pb_rule__by_id("syntax-error"), (pb_span){e->offset, end}, e->stmt_start, e->stmt_end,
                     e->message,
                     checked_before ? "the statements before this one were still checked; this statement was not"
                                    : "this statement was not checked; parsing resumed after it");
}
