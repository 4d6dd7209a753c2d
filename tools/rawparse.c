/* pgbelay-rawparse: the benchmark baseline, "the cost of parsing alone".
 *
 *   pgbelay-rawparse [--list] PATH...
 *
 * Reads each file argument (a directory is searched recursively for *.sql,
 * in the same name order as `pgbelay lint`: fts(3), sorted by name, hidden
 * directories skipped) and runs libpg_query's raw parser over the whole file
 * exactly as src/parse/parse.c does: pg_query_raw_parse() inside
 * pg_query_enter_memory_context() / pg_query_exit_memory_context(), then
 * free(stderr_buffer) and pg_query_free_error() on a syntax error. Nothing
 * is done with the tree. Prints one summary line:
 *
 *   files=N bytes=B parse_errors=E parse_seconds=S parse_mb_per_s=R
 *
 * With --list, first one line per file, tab-separated:
 *   ok <TAB> BYTES <TAB> PATH          or
 *   error <TAB> BYTES <TAB> PATH <TAB> MESSAGE (cursor position N)
 * (tools/bench.sh uses it to build its concatenated input from the files
 * that parse on their own).
 *
 * where parse_seconds counts only the pg_query_raw_parse calls (not reading
 * files or starting the process); wall time is measured outside. Exit code
 * 0, or 2 when a file cannot be read. */
#include <errno.h>
#include <fts.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Declared as src/parse/parse.c declares them (exported by the static
 * libpg_query.a, declared only in its internal header). The PostgreSQL
 * types are opaque here, so no server headers are needed. */
typedef void *MemoryContext;

/* the public layout from pg_query.h */
typedef struct {
    char *message;
    char *funcname;
    char *filename;
    int lineno;
    int cursorpos;
    char *context;
} PgQueryError;

typedef struct {
    void *tree; /* List * */
    char *stderr_buffer;
    PgQueryError *error;
} PgQueryInternalParsetreeAndError;

extern PgQueryInternalParsetreeAndError pg_query_raw_parse(const char *input);
extern void pg_query_free_error(PgQueryError *error);
extern MemoryContext pg_query_enter_memory_context(void);
extern void pg_query_exit_memory_context(MemoryContext ctx);
extern void pg_query_exit(void);

static size_t n_files, n_bytes, n_errors;
static double parse_seconds;
static int status;
static bool list;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void parse_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "pgbelay-rawparse: cannot open '%s': %s\n", path, strerror(errno));
        status = 2;
        return;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    bool bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "pgbelay-rawparse: cannot read '%s'\n", path);
        free(buf);
        status = 2;
        return;
    }
    buf[len] = '\0';

    double t0 = now();
    MemoryContext ctx = pg_query_enter_memory_context();
    PgQueryInternalParsetreeAndError r = pg_query_raw_parse(buf);
    char *msg = NULL;
    int cursor = 0;
    bool failed = r.error != NULL;
    if (failed) {
        n_errors++;
        if (list) {
            msg = strdup(r.error->message ? r.error->message : "syntax error");
            cursor = r.error->cursorpos;
        }
        pg_query_free_error(r.error);
    }
    free(r.stderr_buffer);
    pg_query_exit_memory_context(ctx);
    parse_seconds += now() - t0;

    if (list) {
        if (failed) {
            for (char *c = msg; c && *c; c++)
                if (*c == '\t' || *c == '\n')
                    *c = ' ';
            printf("error\t%zu\t%s\t%s (cursor position %d)\n", len, path, msg ? msg : "?", cursor);
        } else {
            printf("ok\t%zu\t%s\n", len, path);
        }
        free(msg);
    }

    n_files++;
    n_bytes += len;
    free(buf);
}

static int fts_cmp(const FTSENT **a, const FTSENT **b)
{
    return strcmp((*a)->fts_name, (*b)->fts_name);
}

static bool is_sql(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".sql") == 0;
}

static void walk_dir(const char *root)
{
    char *paths[] = {(char *)root, NULL};
    FTS *fts = fts_open(paths, FTS_LOGICAL | FTS_NOCHDIR, fts_cmp);
    if (!fts) {
        fprintf(stderr, "pgbelay-rawparse: cannot read directory '%s': %s\n", root, strerror(errno));
        status = 2;
        return;
    }
    FTSENT *e;
    while ((e = fts_read(fts))) {
        switch (e->fts_info) {
        case FTS_D:
            if (e->fts_level > 0 && e->fts_name[0] == '.')
                fts_set(fts, e, FTS_SKIP);
            break;
        case FTS_F:
            if (is_sql(e->fts_name))
                parse_file(e->fts_path);
            break;
        case FTS_DNR:
        case FTS_ERR:
        case FTS_NS:
            fprintf(stderr, "pgbelay-rawparse: cannot read '%s': %s\n", e->fts_path, strerror(e->fts_errno));
            status = 2;
            break;
        default: break;
        }
    }
    fts_close(fts);
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && !strcmp(argv[1], "--list")) {
        list = true;
        first = 2;
    }
    if (argc <= first || !strcmp(argv[first], "-h") || !strcmp(argv[first], "--help")) {
        bool help = argc > first;
        fprintf(help ? stdout : stderr,
                "usage: pgbelay-rawparse [--list] PATH...\n"
                "Runs libpg_query's raw parser over each file (directories: every *.sql,\n"
                "recursively, in name order) and prints totals; --list also prints\n"
                "one 'ok|error<TAB>bytes<TAB>path[<TAB>message]' line per file.\n");
        return help ? 0 : 2;
    }
    for (int i = first; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
            walk_dir(argv[i]);
        else
            parse_file(argv[i]);
    }
    pg_query_exit();
    printf("files=%zu bytes=%zu parse_errors=%zu parse_seconds=%.6f parse_mb_per_s=%.2f\n", n_files, n_bytes,
           n_errors, parse_seconds, parse_seconds > 0 ? (double)n_bytes / 1e6 / parse_seconds : 0.0);
    return status;
}
