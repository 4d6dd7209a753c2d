/* rollback-does-not-undo: replaying the up part and then the down part
 * must give back the schema as it was before the up part (compared for
 * every object the up part touched). Emitted by the lint driver. */
#include "core/sqltext.h"

#include "rules/pipeline.h"

/* The first statement of the part: past blank lines and -- comments. */
uint32_t pb_rule__part_first_token(const pb_source *src, uint32_t start, uint32_t end)
{
    size_t i = pb_sql_skip_space(src->text, start, end);
    return i < end ? (uint32_t)i : start;
}

void pb_rule__rollback_emit(pb_diag_sink *sink, const pb_source *src, uint32_t start, uint32_t end,
                            bool data_loss, const char *message)
{
    if (data_loss) {
        pb_rule__rollback_data_loss_emit(sink, src, start, end, message);
        return;
    }
    uint32_t at = pb_rule__part_first_token(src, start, end);
    uint32_t line_end = at;
    while (line_end < end && src->text[line_end] != '\n')
        line_end++;
    pb_diag_sink_add(sink, pb_rule__by_id("rollback-does-not-undo"), (pb_span){at, line_end}, at, line_end,
                     message, "make the down part undo exactly what the up part does, in reverse order");
}
