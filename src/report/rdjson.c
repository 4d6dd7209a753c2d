/* rdjson / rdjsonl formats: reviewdog's Diagnostic Format (reviewdog
 * proto/rdf/reviewdog.proto). rdjson is one DiagnosticResult
 * {source, diagnostics: [...]}; rdjsonl is one Diagnostic per line. Lines
 * are 1-based and columns 1-based UTF-8 byte counts, the end position
 * exclusive; severity ERROR|WARNING|INFO; code.value is the rule id.
 * Where the rule's fix is one edit (rules/fix.h: CONCURRENTLY, NOT VALID,
 * SET lock_timeout), it is given as a suggestion replacing a non-empty
 * range. An unreadable file is an ERROR diagnostic without a range. */
#include <jansson.h>
#include <string.h>

#include "report/report.h"
#include "rules/fix.h"

static const char *severity(pb_severity s)
{
    return s == PB_SEV_ERROR ? "ERROR" : s == PB_SEV_WARNING ? "WARNING" : "INFO";
}

void pb_report__rdjson_begin(pb_reporter *rp, pb_buf *b)
{
    if (rp->format == PB_FORMAT_RDJSON)
        pb_buf_puts(b, "{\"source\":{\"name\":\"pgbelay\"},\"diagnostics\":[");
}

static void emit(pb_reporter *rp, pb_buf *b, json_t *d)
{
    if (rp->format == PB_FORMAT_RDJSONL) {
        json_object_set_new(d, "source", json_pack("{s:s}", "name", "pgbelay"));
        pb_report__json_dump(b, d, 0);
        pb_buf_putc(b, '\n');
    } else {
        pb_buf_puts(b, rp->nfiles_written++ ? ",\n  " : "\n  ");
        pb_report__json_dump(b, d, 0);
    }
    json_decref(d);
}

static json_t *pos(uint32_t line, uint32_t col)
{
    return json_pack("{s:i, s:i}", "line", (json_int_t)line, "column", (json_int_t)col);
}

void pb_report__rdjson_file(pb_reporter *rp, pb_buf *b, const pb_result *res)
{
    const char *path = pb_source_path(res->source);
    if (res->status != PB_OK) {
        json_t *d = json_object();
        json_object_set_new(d, "message", pb_report__json_str(res->error ? res->error : "cannot read file"));
        json_object_set_new(d, "location", json_pack("{s:o}", "path", pb_report__json_str(path)));
        json_object_set_new(d, "severity", json_string("ERROR"));
        emit(rp, b, d);
        return;
    }
    pb_arena *a = pb_arena_new();
    for (size_t i = 0; i < res->ndiags; i++) {
        const pb_diag *g = &res->diags[i];
        uint32_t l0, c0, l1, c1;
        pb_report__range(res->source, g->span, PB_COL_BYTES, &l0, &c0, &l1, &c1);
        pb_buf msg = {0};
        pb_buf_puts(&msg, g->message);
        if (g->help) {
            pb_buf_puts(&msg, "\nhelp: ");
            pb_buf_puts(&msg, g->help);
        }
        json_t *d = json_object();
        json_object_set_new(d, "message", pb_report__json_str(pb_buf_cstr(&msg)));
        json_object_set_new(d, "location",
                            json_pack("{s:o, s:{s:o, s:o}}", "path", pb_report__json_str(path), "range",
                                      "start", pos(l0, c0), "end", pos(l1, c1)));
        json_object_set_new(d, "severity", json_string(severity(g->severity)));
        json_object_set_new(d, "code", json_pack("{s:s}", "value", pb_rule_id(g->rule)));
        pb_fix fix;
        if (pb_rule_fix(a, res->source, g, rp->pg_version, &fix)) {
            uint32_t f0, g0, f1, g1;
            pb_report__range(res->source, fix.replace, PB_COL_BYTES, &f0, &g0, &f1, &g1);
            json_object_set_new(d, "suggestions",
                                json_pack("[{s:{s:o, s:o}, s:o}]", "range", "start", pos(f0, g0), "end",
                                          pos(f1, g1), "text", pb_report__json_str(fix.text)));
        }
        emit(rp, b, d);
        pb_buf_release(&msg);
    }
    pb_arena_free(a);
}

void pb_report__rdjson_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum)
{
    if (rp->format == PB_FORMAT_RDJSON)
        pb_buf_puts(b, rp->nfiles_written ? "\n]}\n" : "]}\n");
    (void)sum;
}
