/* Report dispatch: streams each format to its FILE. Formats that need the
 * whole run before they can write (github's severity order, SARIF's one
 * document, markdown's summary first) hold their output in the reporter
 * until pb_report_end. */
#include "report/report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

const char *const pb_format_names[] = {
    "text",  "json",       "gcc",    "github",  "sarif",    "gitlab",
    "junit", "checkstyle", "rdjson", "rdjsonl", "markdown", NULL,
};

const char *const pb_format_help[] = {
    "findings with a code frame of the statement, for people (the default)",
    "pgbelay's own JSON, schema version 1 (docs/json-format.md)",
    "file:line:column: severity: message [rule], as compilers print them",
    "GitHub Actions workflow commands: annotations on the pull request",
    "SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif)",
    "GitLab Code Quality report (artifacts:reports:codequality)",
    "JUnit XML test report (GitLab artifacts:reports:junit, Jenkins)",
    "Checkstyle XML (reviewdog -f=checkstyle, Jenkins, SonarQube)",
    "reviewdog diagnostic result (reviewdog -f=rdjson)",
    "reviewdog diagnostics, one per line (reviewdog -f=rdjsonl)",
    "a pull-request comment body with the planned phases of each migration",
    NULL,
};

bool pb_format_parse(const char *name, pb_format *out)
{
    for (int i = 0; pb_format_names[i]; i++)
        if (!strcmp(name, pb_format_names[i])) {
            *out = (pb_format)i;
            return true;
        }
    return false;
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
    if (!rp->fail_on)
        rp->fail_on = PB_SEV_WARNING;
    switch (rp->format) {
    case PB_FORMAT_GITHUB:
    case PB_FORMAT_SARIF:
    case PB_FORMAT_GITLAB:
    case PB_FORMAT_MARKDOWN: pb_report__find_repo(rp); break;
    default: break;
    }
    switch (rp->format) {
    case PB_FORMAT_JSON: pb_report__json_begin(rp, &b); break;
    case PB_FORMAT_SARIF: pb_report__sarif_begin(rp, &b); break;
    case PB_FORMAT_GITLAB: pb_report__gitlab_begin(rp, &b); break;
    case PB_FORMAT_JUNIT: pb_report__junit_begin(rp, &b); break;
    case PB_FORMAT_CHECKSTYLE: pb_report__checkstyle_begin(rp, &b); break;
    case PB_FORMAT_RDJSON:
    case PB_FORMAT_RDJSONL: pb_report__rdjson_begin(rp, &b); break;
    default: break;
    }
    flush(rp, &b);
}

void pb_report_file(pb_reporter *rp, const pb_result *res)
{
    pb_buf b = {0};
    pb_report__fp_reset(rp);
    switch (rp->format) {
    case PB_FORMAT_TEXT: pb_report__text_file(rp, &b, res); break;
    case PB_FORMAT_JSON: pb_report__json_file(rp, &b, res); break;
    case PB_FORMAT_GCC: pb_report__gcc_file(rp, &b, res); break;
    case PB_FORMAT_GITHUB: pb_report__github_file(rp, &b, res); break;
    case PB_FORMAT_SARIF: pb_report__sarif_file(rp, &b, res); break;
    case PB_FORMAT_GITLAB: pb_report__gitlab_file(rp, &b, res); break;
    case PB_FORMAT_JUNIT: pb_report__junit_file(rp, &b, res); break;
    case PB_FORMAT_CHECKSTYLE: pb_report__checkstyle_file(rp, &b, res); break;
    case PB_FORMAT_RDJSON:
    case PB_FORMAT_RDJSONL: pb_report__rdjson_file(rp, &b, res); break;
    case PB_FORMAT_MARKDOWN: pb_report__markdown_file(rp, &b, res); break;
    }
    flush(rp, &b);
}

void pb_report_end(pb_reporter *rp, const pb_summary *sum)
{
    pb_buf b = {0};
    switch (rp->format) {
    case PB_FORMAT_TEXT: pb_report__text_end(rp, &b, sum); break;
    case PB_FORMAT_JSON: pb_report__json_end(rp, &b, sum); break;
    case PB_FORMAT_GITHUB: pb_report__github_end(rp, &b, sum); break;
    case PB_FORMAT_SARIF: pb_report__sarif_end(rp, &b, sum); break;
    case PB_FORMAT_GITLAB: pb_report__gitlab_end(rp, &b, sum); break;
    case PB_FORMAT_JUNIT: pb_report__junit_end(rp, &b, sum); break;
    case PB_FORMAT_CHECKSTYLE: pb_report__checkstyle_end(rp, &b, sum); break;
    case PB_FORMAT_RDJSON:
    case PB_FORMAT_RDJSONL: pb_report__rdjson_end(rp, &b, sum); break;
    case PB_FORMAT_MARKDOWN: pb_report__markdown_end(rp, &b, sum); break;
    case PB_FORMAT_GCC: break;
    }
    flush(rp, &b);
    fflush(rp->out);
    for (size_t i = 0; i < sizeof rp->held / sizeof rp->held[0]; i++)
        pb_buf_release(&rp->held[i]);
    if (rp->doc)
        json_decref(rp->doc);
    rp->doc = NULL;
    free(rp->fps);
    rp->fps = NULL;
    rp->nfps = rp->capfps = 0;
    free(rp->repo_root);
    free(rp->repo_prefix);
    rp->repo_root = rp->repo_prefix = NULL;
}
