/* invalid-utf8: the file is not valid UTF-8 (source stage). */
#include <stdio.h>

#include "rules/pipeline.h"

void pb_rule__invalid_utf8_emit(pb_diag_sink *sink, const pb_source *src)
{
    uint32_t off = (uint32_t)src->first_bad_utf8;
    char msg[160];
    snprintf(
        msg, sizeof msg,
        "invalid UTF-8 byte 0x%02X; a UTF8 database rejects this text, and columns after it are approximate",
        (unsigned char)src->text[off]);
    pb_diag_sink_add(sink, pb_rule__by_id("invalid-utf8"), (pb_span){off, off + 1}, off, off + 1, msg,
                     "save the file as UTF-8 (iconv -f LATIN1 -t UTF-8, or your editor's encoding menu)");
}
