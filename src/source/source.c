/* Source bytes, line index and offset -> line/column conversion for every
 * column unit the report formats need. */
#include "source/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/utf8.h"

pb_source *pb_source_new(pb_arena *a, const char *path, const char *bytes, size_t len)
{
    pb_source *s = pb_arena_alloc(a, sizeof *s);
    s->path = pb_arena_strdup(a, path);
    s->text = pb_arena_alloc(a, len + 1);
    if (len)
        memcpy(s->text, bytes, len);
    s->text[len] = '\0';
    s->len = len;

    uint32_t n = 1;
    for (size_t i = 0; i < len; i++)
        if (s->text[i] == '\n')
            n++;
    s->lines = pb_arena_alloc(a, (size_t)n * sizeof *s->lines);
    s->lines[0] = 0;
    uint32_t k = 1;
    for (size_t i = 0; i < len; i++) {
        if (s->text[i] == '\n') {
            s->lines[k++] = (uint32_t)(i + 1);
            if (i > 0 && s->text[i - 1] == '\r')
                s->has_crlf = true;
        }
    }
    s->nlines = n;
    const char *nul = memchr(s->text, '\0', len);
    s->first_nul = nul ? (size_t)(nul - s->text) : len;
    s->first_bad_utf8 = pb_utf8_validate(s->text, len);
    return s;
}

uint32_t pb_source__line_index(const pb_source *src, uint32_t off)
{
    uint32_t lo = 0, hi = src->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (src->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void pb_source_position(const pb_source *src, uint32_t off, pb_col_unit unit, uint32_t *line, uint32_t *col)
{
    if (off > src->len)
        off = (uint32_t)src->len;
    uint32_t li = pb_source__line_index(src, off);
    uint32_t start = src->lines[li];
    uint32_t c = 0;
    if (unit == PB_COL_BYTES) {
        c = off - start;
    } else {
        size_t i = start;
        while (i < off) {
            uint32_t cp;
            size_t k = pb_utf8_decode(src->text + i, src->len - i, &cp);
            if (k == 0) {
                /* an invalid byte counts as one unit (it shows as U+FFFD) */
                k = 1;
                cp = 0xFFFD;
            }
            if (i + k > off)
                k = off - i;
            if (unit == PB_COL_UTF16)
                c += cp >= 0x10000 ? 2 : 1;
            else if (unit == PB_COL_DISPLAY && cp == '\t')
                c += 8 - (c % 8);
            else
                c += 1;
            i += k;
        }
    }
    *line = li + 1;
    *col = c + 1;
}

const char *pb_source_path(const pb_source *src)
{
    return src->path;
}

const char *pb_source_text(const pb_source *src, size_t *len)
{
    if (len)
        *len = src->len;
    return src->text;
}

bool pb_source_line(const pb_source *src, uint32_t line, uint32_t *start, uint32_t *end)
{
    if (line == 0 || line > src->nlines)
        return false;
    uint32_t s = src->lines[line - 1];
    uint32_t e = line < src->nlines ? src->lines[line] : (uint32_t)src->len;
    if (e > s && src->text[e - 1] == '\n')
        e--;
    if (e > s && src->text[e - 1] == '\r')
        e--;
    *start = s;
    *end = e;
    return true;
}

pb_status pb_source_read(pb_arena *a, const char *path, const char *display, size_t cap, pb_source **out,
                         size_t *size, const char **err)
{
    *out = NULL;
    *size = 0;
    *err = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        *err = pb_arena_sprintf(a, "cannot open '%s': %s", display, strerror(e));
        return PB_ERR_IO;
    }
    if (S_ISDIR(sb.st_mode)) {
        close(fd);
        *err = pb_arena_sprintf(a, "cannot read '%s': it is a directory", display);
        return PB_ERR_IO;
    }
    if (S_ISREG(sb.st_mode) && (size_t)sb.st_size > cap) {
        close(fd);
        *size = (size_t)sb.st_size;
        return PB_OK;
    }
    /* read at most cap + 1 bytes: also bounds pipes and files that grow */
    size_t alloc = S_ISREG(sb.st_mode) ? (size_t)sb.st_size + 1 : 65536;
    if (alloc > cap + 1)
        alloc = cap + 1;
    char *buf = malloc(alloc);
    size_t len = 0;
    int e = 0;
    bool failed = buf == NULL;
    while (!failed) {
        if (len == alloc) {
            if (alloc > cap)
                break;
            size_t na = alloc * 2 > cap + 1 ? cap + 1 : alloc * 2;
            char *nb = realloc(buf, na);
            if (!nb) {
                failed = true;
                break;
            }
            buf = nb;
            alloc = na;
        }
        ssize_t n = read(fd, buf + len, alloc - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            failed = true;
            break;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (failed) {
        free(buf);
        *err = pb_arena_sprintf(a, "cannot read '%s': %s", display, e ? strerror(e) : "out of memory");
        return PB_ERR_IO;
    }
    *size = len;
    if (len <= cap)
        *out = pb_source_new(a, display, buf, len);
    free(buf);
    return PB_OK;
}
