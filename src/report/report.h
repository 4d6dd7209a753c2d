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
} pb_format;

/* Parses "text", "json", "gcc"; returns false for anything else. */
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

#endif
