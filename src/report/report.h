/* Reporters: one file per output format. They convert byte spans to each
 * format's line/column convention at the edge. A reporter is fed one file
 * result at a time (results are freed after each) and a summary at the end,
 * so memory stays bounded by the largest file. */
#ifndef PB_REPORT_H
#define PB_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/buf.h"
#include "pgbelay/pgbelay.h"

typedef enum pb_format {
    PB_FORMAT_TEXT = 0,
    PB_FORMAT_JSON,
    PB_FORMAT_GCC,
    PB_FORMAT_GITHUB,     /* GitHub Actions workflow commands (github.c) */
    PB_FORMAT_SARIF,      /* SARIF 2.1.0 for GitHub code scanning (sarif.c) */
    PB_FORMAT_GITLAB,     /* GitLab Code Quality JSON (gitlab.c) */
    PB_FORMAT_JUNIT,      /* JUnit XML (junit.c) */
    PB_FORMAT_CHECKSTYLE, /* Checkstyle XML (checkstyle.c) */
    PB_FORMAT_RDJSON,     /* reviewdog DiagnosticResult (rdjson.c) */
    PB_FORMAT_RDJSONL,    /* reviewdog Diagnostic per line (rdjson.c) */
    PB_FORMAT_MARKDOWN,   /* pull-request comment body (markdown.c) */
} pb_format;

/* Every format name, in enum order, for help texts; static. */
extern const char *const pb_format_names[];
/* One line on each format, in the same order; static. */
extern const char *const pb_format_help[];

/* Parses a format name (pb_format_names); returns false for anything else. */
bool pb_format_parse(const char *name, pb_format *out);

typedef struct pb_summary {
    size_t files, statements;
    size_t errors, warnings, infos;
    size_t io_errors; /* files that could not be read */
} pb_summary;

typedef struct pb_reporter {
    pb_format format;
    bool color; /* text only */
    int pg_version;
    FILE *out;
    size_t nfiles_written; /* json: files emitted so far */
    /* findings at or above this count as failing (junit, markdown); with
       fail_never nothing does. Zero-initialised means warning. */
    pb_severity fail_on;
    bool fail_never;
    /* markdown: the planned phases of the file being reported, as markdown
       (borrowed for one pb_report_file call), or NULL */
    const char *plan_md;
    /* what formats that write at the end hold meanwhile (report.c) */
    char *repo_root;        /* absolute repository root, or NULL outside a repository */
    char *repo_prefix;      /* working directory relative to the repository root, "" or "dir/" */
    pb_buf held[4];         /* per format: github annotations by severity + overflow; markdown body */
    size_t nheld[4];        /* github: findings per severity (index = pb_severity) */
    struct json_t *doc;     /* sarif: the log being built */
    struct pb_fpcount *fps; /* fingerprint occurrence counts of the current file */
    size_t nfps, capfps;
} pb_reporter;

/* Starts the report (json writes its header). */
void pb_report_begin(pb_reporter *rp);
/* Writes the findings of one file (or its I/O error). */
void pb_report_file(pb_reporter *rp, const pb_result *res);
/* Ends the report with the summary. */
void pb_report_end(pb_reporter *rp, const pb_summary *sum);

/* Per-format entry points (report/<format>.c). */
void pb_report__text_file(pb_reporter *rp, pb_buf *b, const pb_result *res);
void pb_report__text_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum);
void pb_report__json_begin(pb_reporter *rp, pb_buf *b);
void pb_report__json_file(pb_reporter *rp, pb_buf *b, const pb_result *res);
void pb_report__json_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum);
void pb_report__gcc_file(pb_reporter *rp, pb_buf *b, const pb_result *res);
void pb_report__github_file(pb_reporter *rp, pb_buf *b, const pb_result *res);
void pb_report__github_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum);
void pb_report__sarif_begin(pb_reporter *rp, pb_buf *b);
void pb_report__sarif_file(pb_reporter *rp, pb_buf *b, const pb_result *res);
void pb_report__sarif_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum);
void pb_report__gitlab_begin(pb_reporter *rp, pb_buf *b);
void pb_report__gitlab_file(pb_reporter *rp, pb_buf *b, const pb_result *res);
void pb_report__gitlab_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum);
void pb_report__junit_begin(pb_reporter *rp, pb_buf *b);
void pb_report__junit_file(pb_reporter *rp, pb_buf *b, const pb_result *res);
void pb_report__junit_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum);
void pb_report__checkstyle_begin(pb_reporter *rp, pb_buf *b);
void pb_report__checkstyle_file(pb_reporter *rp, pb_buf *b, const pb_result *res);
void pb_report__checkstyle_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum);
void pb_report__rdjson_begin(pb_reporter *rp, pb_buf *b);
void pb_report__rdjson_file(pb_reporter *rp, pb_buf *b, const pb_result *res);
void pb_report__rdjson_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum);
void pb_report__markdown_file(pb_reporter *rp, pb_buf *b, const pb_result *res);
void pb_report__markdown_end(pb_reporter *rp, pb_buf *b, const pb_summary *sum);

/* The phases of a plan as Markdown for the markdown format (a fenced SQL
 * block per phase, its locks, deploy gates, rollback and notes), or NULL
 * when the plan has no phases. malloc'd; the caller frees it. */
struct pb_plan;
char *pb_report_plan_markdown(const struct pb_plan *pl);

/* ---- helpers shared by the formats (util.c) ---- */

/* "create-index-non-concurrent (PB101)", or the id alone for a rule whose
 * code is its id (custom rules from .pgbelay.yaml). Appends to `out`. */
void pb_report__rule_label(const pb_rule_info *r, pb_buf *out);

/* The path of a file as the repository root sees it ("db/m/001.sql"):
 * `path` as given (relative to the working directory, or absolute) with
 * rp->repo_prefix in front and "./" and "x/../" folded. Paths outside the
 * repository, absolute paths outside it and "<stdin>"-like names are
 * returned as given. Appends to `out`. */
void pb_report__repo_path(const pb_reporter *rp, const char *path, pb_buf *out);

/* Finds the repository root, the nearest directory upward from the
 * working directory holding `.git` (a directory, or a file in a git
 * worktree), into rp->repo_root (NULL outside any repository) and the
 * working directory relative to it into rp->repo_prefix ("" at the root or
 * outside a repository, else "dir/sub/"); both malloc'd, freed by
 * pb_report_end. */
void pb_report__find_repo(pb_reporter *rp);

/* XML 1.0 character data or attribute value (both escaped the same way:
 * & < > " ' as entities, tab/LF/CR as character references so attribute
 * values keep them); characters XML 1.0 forbids (other C0 controls) and
 * invalid UTF-8 become U+FFFD. */
void pb_report__xml_escape(pb_buf *b, const char *s, size_t n);

/* Stable fingerprint of a finding, 64 lowercase hex digits: SHA-256 (FIPS
 * 180-4, GNU Nettle) of "pgbelay-fingerprint-v1", the repository-relative
 * path, the rule id, the statement text normalized (comments dropped, runs
 * of white space as one space, unquoted text lowercased; string literals,
 * quoted identifiers and dollar-quoted bodies kept as written) and the
 * occurrence number (1 for the first finding of this rule on an equal
 * statement in this file, 2 for the next, ...), joined by NUL bytes. Line
 * numbers are not part of it, so a finding keeps its fingerprint when
 * unrelated lines move. Call pb_report__fp_reset at each new file. */
void pb_report__fingerprint(pb_reporter *rp, const char *repo_path, const pb_result *res, const pb_diag *d,
                            char out[65]);
void pb_report__fp_reset(pb_reporter *rp);

/* A Jansson string of `s` with invalid UTF-8 bytes replaced by U+FFFD
 * (json_string refuses invalid UTF-8); a new reference. */
struct json_t *pb_report__json_str(const char *s);
/* Appends the compact or indented (indent > 0) serialization of `v`. */
void pb_report__json_dump(pb_buf *b, struct json_t *v, int indent);
/* Appends `s` percent-encoded as a URI path (RFC 3986: unreserved
 * characters and '/' stay, every other byte becomes %XX). */
void pb_report__uri_path(pb_buf *b, const char *s);

/* The range of `span` in `unit` columns: 1-based start line and column,
 * the line of its last character and the exclusive end column on that
 * line (one past the last character). An empty span gives start == end. */
void pb_report__range(const pb_source *src, pb_span span, pb_col_unit unit, uint32_t *line0, uint32_t *col0,
                      uint32_t *line1, uint32_t *col1);

/* The statement of `d` normalized as described above (for tests and
 * fingerprints); appends to `out`. */
void pb_report__normalize_sql(const char *s, size_t n, pb_buf *out);

#endif
