/* Source: owns the bytes of one input and maps byte offsets to lines and
 * columns. Everything upstream of the reporters speaks byte offsets only. */
#ifndef PB_SOURCE_H
#define PB_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "pgbelay/pgbelay.h"

struct pb_source {
    const char *path;      /* display path, arena-owned */
    char *text;            /* the bytes as read, NUL-terminated (extra byte), arena-owned */
    size_t len;            /* bytes, without the terminating NUL */
    uint32_t *lines;       /* byte offset where each line starts; lines[0] == 0 */
    uint32_t nlines;       /* >= 1 */
    size_t first_nul;      /* offset of the first NUL byte, or len */
    size_t first_bad_utf8; /* offset of the first invalid UTF-8 byte, or len */
    bool has_crlf;         /* some line ends in "\r\n" */
};

/* Builds a source from bytes (copied into the arena). Lengths above
 * UINT32_MAX - 1 are refused by the caller (size cap) before this. */
pb_source *pb_source_new(pb_arena *a, const char *path, const char *bytes, size_t len);

/* Reads a file into a source in arena `a` (display path `display`).
 * Returns PB_OK; PB_ERR_IO with *err set (arena string) when it cannot be
 * read; for a file over `cap` bytes, PB_OK with *out NULL and *size set (the
 * file is not read into memory). */
pb_status pb_source_read(pb_arena *a, const char *path, const char *display, size_t cap, pb_source **out,
                         size_t *size, const char **err);

/* 0-based index of the line holding `off`. */
uint32_t pb_source__line_index(const pb_source *src, uint32_t off);

#endif
