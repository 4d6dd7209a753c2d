/* rollback-cannot-restore-data: the up part destroys data (DROP COLUMN,
 * DROP TABLE) that the down part can only re-create empty. Emitted by the
 * lint driver through pb_rule__rollback_emit. */
#include "rules/pipeline.h"

void pb_rule__rollback_data_loss_emit(pb_diag_sink *sink, const pb_source *src, uint32_t start, uint32_t end,
                                      const char *message)
{
    uint32_t at = pb_rule__part_first_token(src, start, end);
    uint32_t line_end = at;
    while (line_end < end && src->text[line_end] != '\n')
        line_end++;
    pb_diag_sink_add(
        sink, pb_rule__by_id("rollback-cannot-restore-data"), (pb_span){at, line_end}, at, line_end, message,
        "keep the data until the contract step: first stop using it, then drop it in a later "
        "migration after a backup (or copy it to an archive table the down part can restore from)");
}
