/* migration-layout: the migration tool will not read the files the way
 * they are written (markers out of order, several layouts mixed). */
#include "rules/pipeline.h"

void pb_rule__migration_layout_emit(pb_diag_sink *sink, uint32_t offset, const char *message)
{
    pb_diag_sink_add(sink, pb_rule__by_id("migration-layout"), (pb_span){offset, offset}, offset, offset,
                     message,
                     "see docs/frameworks.md for each tool's conventions, or choose one with --framework");
}
