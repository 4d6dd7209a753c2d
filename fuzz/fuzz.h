/* Shared helpers of the libFuzzer targets in fuzz/ (docs/testing.md,
 * "Fuzzing"): reading selector bytes off the input, a scratch directory
 * for targets that go through files, the "==> name <==" multi-file
 * container, and running a migration set through lint and every reporter.
 *
 * Each target is one fuzz/fuzz_<name>.c defining LLVMFuzzerTestOneInput;
 * `zig build fuzz` builds every such file into zig-out/fuzz/fuzz_<name>.
 * A line "seeds: KIND..." in a target's opening comment tells
 * tools/fuzz.sh which seed corpus to generate for it (see that script). */
#ifndef PB_FUZZ_H
#define PB_FUZZ_H

#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "framework/framework.h"
#include "lint/lint.h"
#include "pgbelay/pgbelay.h"
#include "report/report.h"

/* The test suite builds every target into pgbelay-test too, with
 * LLVMFuzzerTestOneInput renamed and PB_FUZZ_NAME set ("lint" for
 * fuzz_lint.c): each target registers itself, and the "regress" suite
 * (tests/test_regress.c) replays testdata/regress/<name>-*.fuzz through it. */
#ifdef PB_FUZZ_NAME
void pb_fuzz_register(const char *name, int (*fn)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((constructor)) static void fz_register(void)
{
    pb_fuzz_register(PB_FUZZ_NAME, LLVMFuzzerTestOneInput);
}
#endif

/* The input being consumed: selector bytes are taken off the front. */
typedef struct fz_in {
    const uint8_t *p;
    size_t n;
} fz_in;

/* The next byte, or 0 once the input is used up. */
static inline uint8_t fz_byte(fz_in *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

/* ---- reporting ------------------------------------------------------------------ */

static FILE *fz_null_out(void)
{
    static FILE *f;
    if (!f)
        f = fopen("/dev/null", "w");
    return f;
}

/* Renders one result in every format (to /dev/null) and converts every
 * span to each column unit, so that reporters meet fuzzed spans and text. */
static inline void fz_report(const pb_result *res)
{
    for (int f = PB_FORMAT_TEXT; f <= PB_FORMAT_MARKDOWN; f++) {
        pb_reporter rp = {
            .format = (pb_format)f, .color = f == PB_FORMAT_TEXT, .pg_version = 15, .out = fz_null_out()};
        pb_report_begin(&rp);
        pb_report_file(&rp, res);
        pb_summary sum = {.files = 1};
        pb_report_end(&rp, &sum);
    }
    for (size_t i = 0; i < res->ndiags; i++) {
        uint32_t line, col;
        for (int u = PB_COL_BYTES; u <= PB_COL_DISPLAY; u++) {
            pb_source_position(res->source, res->diags[i].span.start, (pb_col_unit)u, &line, &col);
            pb_source_position(res->source, res->diags[i].span.end, (pb_col_unit)u, &line, &col);
        }
    }
}

static void fz_emit(void *ud, pb_result *res)
{
    (void)ud;
    fz_report(res);
    pb_result_free(res);
}

/* Options from one selector byte: PostgreSQL 11-17, assume_in_transaction,
 * and now and then a small size cap (the file-too-large path). */
static inline pb_options fz_options(uint8_t sel)
{
    pb_options o = {0};
    o.pg_version = PB_PG_VERSION_MIN + sel % (PB_PG_VERSION_MAX - PB_PG_VERSION_MIN + 1);
    o.assume_in_transaction = (sel >> 3) & 1;
    if ((sel >> 4) == 0xF)
        o.max_file_size = 64;
    return o;
}

/* ---- scratch directory ------------------------------------------------------------ */

static char fz_base[256];

static int fz_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(p);
    return 0;
}

static inline void fz_rm_tree(const char *dir)
{
    nftw(dir, fz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void fz_cleanup(void)
{
    if (fz_base[0])
        fz_rm_tree(fz_base);
}

/* A directory of this process (in /dev/shm when it can, else $TMPDIR or
 * /tmp), removed at exit. */
static inline const char *fz_scratch(void)
{
    if (fz_base[0])
        return fz_base;
    const char *bases[] = {"/dev/shm", getenv("TMPDIR"), "/tmp"};
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        if (!bases[i] || !*bases[i])
            continue;
        snprintf(fz_base, sizeof fz_base, "%s/pgbelay-fuzz-XXXXXX", bases[i]);
        if (mkdtemp(fz_base)) {
            atexit(fz_cleanup);
            return fz_base;
        }
    }
    fprintf(stderr, "fuzz: cannot make a scratch directory: %s\n", strerror(errno));
    abort();
}

static inline bool fz_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

/* ---- the multi-file container ------------------------------------------------------ */

/* The container is text: a line "==> NAME <==" starts a file that runs to
 * the next such line (the output of `head -n -0 FILE...`). Bytes before the
 * first header form a file "000_head.sql". NAME is a relative path; each
 * component is kept to [A-Za-z0-9._+@-] (other bytes become '_'), "." and
 * ".." components and empty ones are dropped, at most 6 components of at
 * most 96 bytes each: a fuzzed name never leaves the directory it is
 * unpacked into. At most 64 files; a name that cannot be created (a file
 * where a directory is needed) is skipped. */
#define FZ_MAX_FILES 64

typedef struct fz_files {
    char *path[FZ_MAX_FILES]; /* malloc'd absolute paths, in container order */
    size_t n;
} fz_files;

static const char *fz_find_header(const char *p, const char *end)
{
    for (const char *q = p; q + 4 <= end; q++) {
        q = memmem(q, (size_t)(end - q), "==> ", 4);
        if (!q)
            return NULL;
        if (q == p || q[-1] == '\n')
            return q;
    }
    return NULL;
}

/* "a/b/c.sql" kept safe, into out (cap bytes); false when nothing is left. */
static bool fz_clean_name(const char *s, size_t len, char *out, size_t cap)
{
    size_t o = 0, ncomp = 0;
    size_t i = 0;
    while (i < len && ncomp < 6) {
        size_t j = i;
        while (j < len && s[j] != '/')
            j++;
        size_t cl = j - i;
        if (cl > 96)
            cl = 96;
        bool dots = cl <= 2 && (cl == 0 || (s[i] == '.' && (cl == 1 || s[i + 1] == '.')));
        if (!dots && o + cl + 2 < cap) {
            if (o)
                out[o++] = '/';
            for (size_t k = 0; k < cl; k++) {
                char c = s[i + k];
                bool okc = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '.' || c == '_' || c == '+' || c == '@' || c == '-';
                out[o++] = okc ? c : '_';
            }
            ncomp++;
        }
        i = j + 1;
    }
    out[o] = '\0';
    return o > 0;
}

/* Creates the parent directories of `path` below `root`. */
static void fz_mkparents(const char *root, char *path)
{
    for (char *s = path + strlen(root) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
}

/* Unpacks `data` below a fresh directory `root` (removed first). */
static inline void fz_unpack(const char *root, const uint8_t *data, size_t size, fz_files *out)
{
    memset(out, 0, sizeof *out);
    fz_rm_tree(root);
    mkdir(root, 0755);
    const char *p = (const char *)data, *end = p + size;
    const char *h = fz_find_header(p, end);
    if (h != p) {
        size_t len = h ? (size_t)(h - p) : size;
        char path[512];
        snprintf(path, sizeof path, "%s/000_head.sql", root);
        if (fz_write_file(path, p, len))
            out->path[out->n++] = strdup(path);
    }
    while (h && out->n < FZ_MAX_FILES) {
        const char *nl = memchr(h, '\n', (size_t)(end - h));
        const char *line_end = nl ? nl : end;
        const char *name = h + 4, *name_end = line_end;
        if (name_end - name >= 4 && !memcmp(name_end - 4, " <==", 4))
            name_end -= 4;
        const char *body = nl ? nl + 1 : end;
        const char *next = fz_find_header(body, end);
        const char *body_end = next ? next : end;
        char rel[700], path[1024];
        if (fz_clean_name(name, (size_t)(name_end - name), rel, sizeof rel)) {
            snprintf(path, sizeof path, "%s/%s", root, rel);
            fz_mkparents(root, path);
            bool dup = false;
            for (size_t i = 0; i < out->n; i++)
                dup |= !strcmp(out->path[i], path);
            struct stat sb;
            if (!dup && !(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) &&
                fz_write_file(path, body, (size_t)(body_end - body)))
                out->path[out->n++] = strdup(path);
        }
        h = next;
    }
}

static inline void fz_files_free(fz_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->path[i]);
    f->n = 0;
}

/* The set's unloaded files and migrations through lint and every reporter. */
static inline void fz_lint_set(const pb_options *opt, pb_migration_set *set)
{
    pb_lint__set(opt, set, fz_emit, NULL, NULL, NULL);
}

#endif
