/* unused-ignore: a suppression comment that suppressed no finding (source
 * stage; found by src/lint/suppress.c). */
#include "rules/pipeline.h"

void pb_rule__unused_ignore_emit(pb_diag_sink *sink, pb_span comment, const char *message)
{
    pb_diag_sink_add(sink, pb_rule__by_id("unused-ignore"), comment, comment.start, comment.start, message,
                     "delete the comment, or name the rule that fires on the statement directly after it");
}
