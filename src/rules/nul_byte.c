/* nul-byte: the file contains NUL bytes (source stage). The parser sees
 * them as spaces so the rest of the file is still checked. */
#include <stdio.h>

#include "rules/pipeline.h"

void pb_rule__nul_byte_emit(pb_diag_sink *sink, const pb_source *src, size_t count)
{
    uint32_t off = (uint32_t)src->first_nul;
    char msg[160];
    snprintf(msg, sizeof msg, "NUL byte in the file (%zu in all); PostgreSQL cannot receive it in a query",
             count);
    pb_diag_sink_add(sink, pb_rule__by_id("nul-byte"), (pb_span){off, off + 1}, off, off + 1, msg,
                     "remove the NUL bytes; a file full of them is usually UTF-16 or binary");
}
