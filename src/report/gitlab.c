/* gitlab format: a GitLab Code Quality report (doc/ci/testing/code_quality.md,
 * "Code Quality report format"): one JSON array, no byte-order mark, an
 * object per finding with description, check_name (the rule id),
 * fingerprint, severity and location.path (repository-relative) with
 * location.lines.begin/end (1-based).
 *
 * Severity: error -> critical, warning -> major, info -> info.
 * Fingerprint: pb_report__fingerprint (SHA-256 over "pgbelay-fingerprint-v1",
 * path, rule id, normalized statement text and occurrence number), so it
 * survives unrelated edits that move lines. Unreadable files are reported
 * on standard error only (Code Quality has no place for them). */
#include <jansson.h>
#include <string.h>

#include "report/report.h"

static const char *severity(pb_severity s)
{
    return s == PB_SEV_ERROR ? "critical" : s == PB_SEV_WARNING ? "major" : "info";
}

void pb_report__gitlab_begin(pb_reporter *rp, pb_buf *b)
{
    pb_buf_putc(b, '[');
    (void)rp;
}

void pb_report__gitlab_file(pb_reporter *rp, pb_buf *b, const pb_result *res)
{
    if (res->status != PB_OK)
        return;
    pb_buf path = {0};
    pb_report__repo_path(rp, pb_source_path(res->source), &path);
    for (size_t i = 0; i < res->ndiags; i++) {
        const pb_diag *d = &res->diags[i];
        uint32_t l0, c0, l1, c1;
        pb_report__range(res->source, d->span, PB_COL_BYTES, &l0, &c0, &l1, &c1);
        char fp[65];
        pb_report__fingerprint(rp, pb_buf_cstr(&path), res, d, fp);
        json_t *o = json_object();
        json_object_set_new(o, "type", json_string("issue"));
        json_object_set_new(o, "check_name", json_string(pb_rule_id(d->rule)));
        json_object_set_new(o, "description", pb_report__json_str(d->message));
        if (d->help)
            json_object_set_new(o, "content", json_pack("{s:o}", "body", pb_report__json_str(d->help)));
        json_object_set_new(o, "categories", json_pack("[s]", "Bug Risk"));
        json_object_set_new(o, "fingerprint", json_string(fp));
        json_object_set_new(o, "severity", json_string(severity(d->severity)));
        json_object_set_new(o, "engine_name", json_string("pgbelay"));
        json_object_set_new(o, "location",
                            json_pack("{s:o, s:{s:i, s:i}}", "path", pb_report__json_str(pb_buf_cstr(&path)),
                                      "lines", "begin", (json_int_t)l0, "end", (json_int_t)l1));
        pb_buf_puts(b, rp->nfiles_written++ ? ",\n  " : "\n  ");
        pb_report__json_dump(b, o, 0);
        json_decref(o);
    }
    pb_buf_release(&path);
}

void pb_report__gitlab_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum)
{
    pb_buf_puts(b, rp->nfiles_written ? "\n]\n" : "]\n");
    (void)sum;
}
