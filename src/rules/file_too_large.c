/* file-too-large: over the size cap; not read or parsed (source stage). */
#include <stdio.h>

#include "rules/pipeline.h"

void pb_rule__file_too_large_emit(pb_diag_sink *sink, size_t size, size_t limit)
{
    char msg[200];
    snprintf(msg, sizeof msg, "the file is %zu bytes, over the %zu-byte limit; it was not checked", size,
             limit);
    pb_diag_sink_add(sink, pb_rule__by_id("file-too-large"), (pb_span){0, 0}, 0, 0, msg,
                     "split the migration, or raise the limit with --max-file-size");
}
