/* empty-file: nothing to run (source stage). */
#include "rules/pipeline.h"

void pb_rule__empty_file_emit(pb_diag_sink *sink)
{
    pb_diag_sink_add(sink, pb_rule__by_id("empty-file"), (pb_span){0, 0}, 0, 0,
                     "the file has no SQL statements", NULL);
}
