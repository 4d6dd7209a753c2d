/* ignore-without-reason: a suppression comment with no ": reason" (source
 * stage; found by src/lint/suppress.c). */
#include <stdio.h>

#include "rules/pipeline.h"

void pb_rule__ignore_without_reason_emit(pb_diag_sink *sink, pb_span comment, const char *keyword)
{
    char msg[160];
    snprintf(msg, sizeof msg, "%s gives no reason after a colon", keyword);
    pb_diag_sink_add(sink, pb_rule__by_id("ignore-without-reason"), comment, comment.start, comment.start,
                     msg, "add the reason: -- pgbelay-ignore RULE: why it is safe here");
}
