/* syntax-error: the PostgreSQL 15 parser rejected a statement (parse
 * stage). Parsing resumes after the failing statement. */
#include <stdio.h>
#include <string.h>

#include "rules/pipeline.h"

void pb_rule__syntax_error_emit(pb_diag_sink *sink, const pb_source *src, const pb_syntax_error *e,
                                bool checked_before)
{
    uint32_t end = e->offset < src->len ? e->offset + 1 : e->offset;
    /* PostgreSQL quotes the offending token, which for an unterminated
       string, comment or dollar quote is the rest of the file: keep only
       the start of the quoted token */
    enum { TOKEN_MAX = 40 };
    char msg[512];
    const char *near = strstr(e->message, " at or near \"");
    size_t n = strlen(e->message);
    if (near && n - (size_t)(near - e->message) > strlen(" at or near \"") + TOKEN_MAX + 1) {
        size_t k = (size_t)(near - e->message) + strlen(" at or near \"") + TOKEN_MAX;
        while (k > 0 && ((unsigned char)e->message[k] & 0xC0) == 0x80)
            k--; /* do not cut a UTF-8 sequence */
        if (k > sizeof msg - 8)
            k = sizeof msg - 8;
        memcpy(msg, e->message, k);
        memcpy(msg + k, "...\"", 5);
    } else {
        snprintf(msg, sizeof msg, "%s", e->message);
    }
    pb_diag_sink_add(
        sink, pb_rule__by_id("syntax-error"), (pb_span){e->offset, end}, e->stmt_start, e->stmt_end, msg,
        checked_before ? "the statements before this one were still checked; this statement was not"
                       : "this statement was not checked; parsing resumed after it");
}
