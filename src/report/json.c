/* json format, schema version 1 (docs/json-format.md): one object with the
 * tool, the PostgreSQL version, one entry per file with its diagnostics
 * (byte offsets, 1-based line, 1-based column in UTF-8 bytes and in UTF-16
 * code units) and a summary. Written file by file. */
#include "report/report.h"

#include <string.h>

static void str(pb_buf *b, const char *s)
{
    pb_buf_putc(b, '"');
    pb_buf_json_escape(b, s, strlen(s));
    pb_buf_putc(b, '"');
}

static void pos(pb_buf *b, const pb_source *src, uint32_t off)
{
    uint32_t line, col, line16, col16;
    pb_source_position(src, off, PB_COL_BYTES, &line, &col);
    pb_source_position(src, off, PB_COL_UTF16, &line16, &col16);
    pb_buf_printf(b, "{\"offset\":%u,\"line\":%u,\"column\":%u,\"column_utf16\":%u}", off, line, col, col16);
}

void pb_report__json_begin(pb_reporter *rp, pb_buf *b)
{
    pb_buf_printf(
        b, "{\"schema_version\":1,\"tool\":\"pgbelay\",\"tool_version\":\"%s\",\"pg_version\":%d,\"files\":[",
        PB_VERSION, rp->pg_version);
}

void pb_report__json_file(pb_reporter *rp, pb_buf *b, const pb_result *res)
{
    if (rp->nfiles_written++)
        pb_buf_putc(b, ',');
    pb_buf_puts(b, "\n{\"path\":");
    if (res->status != PB_OK) {
        str(b, pb_source_path(res->source));
        pb_buf_puts(b, ",\"error\":");
        str(b, res->error ? res->error : "cannot read file");
        pb_buf_puts(b, ",\"statements\":0,\"diagnostics\":[]}");
        return;
    }
    const pb_source *src = res->source;
    str(b, pb_source_path(src));
    pb_buf_printf(b, ",\"error\":null,\"statements\":%zu,\"diagnostics\":[", res->nstatements);
    for (size_t i = 0; i < res->ndiags; i++) {
        const pb_diag *d = &res->diags[i];
        if (i)
            pb_buf_putc(b, ',');
        pb_buf_puts(b, "\n  {\"rule\":");
        str(b, pb_rule_id(d->rule));
        pb_buf_puts(b, ",\"code\":");
        str(b, pb_rule_code(d->rule));
        pb_buf_puts(b, ",\"severity\":");
        str(b, pb_severity_name(d->severity));
        pb_buf_puts(b, ",\"message\":");
        str(b, d->message);
        pb_buf_puts(b, ",\"help\":");
        if (d->help)
            str(b, d->help);
        else
            pb_buf_puts(b, "null");
        pb_buf_puts(b, ",\"start\":");
        pos(b, src, d->span.start);
        pb_buf_puts(b, ",\"end\":");
        pos(b, src, d->span.end);
        pb_buf_printf(b, ",\"statement\":{\"start\":%u,\"end\":%u}}", d->stmt_start, d->stmt_end);
    }
    pb_buf_puts(b, "]}");
}

void pb_report__json_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum)
{
    pb_buf_printf(
        b,
        "],\n\"summary\":{\"files\":%zu,\"statements\":%zu,\"errors\":%zu,\"warnings\":%zu,\"infos\":%zu,"
        "\"unreadable_files\":%zu}}\n",
        sum->files, sum->statements, sum->errors, sum->warnings, sum->infos, sum->io_errors);
    (void)rp;
}
