/* Report dispatch: streams each format to its FILE. */
#include "report/report.h"

#include <string.h>

bool pb_format_parse(const char *name, pb_format *out)
{
    if (!strcmp(name, "text"))
        *out = PB_FORMAT_TEXT;
    else if (!strcmp(name, "json"))
        *out = PB_FORMAT_JSON;
    else if (!strcmp(name, "gcc"))
        *out = PB_FORMAT_GCC;
    else
        return false;
    return true;
}

static void flush(pb_reporter *rp, pb_buf *b)
{
    if (b->len)
        fwrite(b->data, 1, b->len, rp->out);
    pb_buf_release(b);
}

void pb_report_begin(pb_reporter *rp)
{
    pb_buf b = {0};
    if (rp->format == PB_FORMAT_JSON)
        pb_report__json_begin(rp, &b);
    flush(rp, &b);
}

void pb_report_file(pb_reporter *rp, const pb_result *res)
{
    pb_buf b = {0};
    switch (rp->format) {
    case PB_FORMAT_TEXT: pb_report__text_file(rp, &b, res); break;
    case PB_FORMAT_JSON: pb_report__json_file(rp, &b, res); break;
    case PB_FORMAT_GCC: pb_report__gcc_file(rp, &b, res); break;
    }
    flush(rp, &b);
}

void pb_report_end(pb_reporter *rp, const pb_summary *sum)
{
    pb_buf b = {0};
    if (rp->format == PB_FORMAT_TEXT)
        pb_report__text_end(rp, &b, sum);
    else if (rp->format == PB_FORMAT_JSON)
        pb_report__json_end(rp, &b, sum);
    flush(rp, &b);
    fflush(rp->out);
}
