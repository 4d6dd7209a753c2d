/* Growable byte buffer on the heap, for building output text.
 * Every buffer has a size cap (default 1 GiB); appends past it set
 * `overflow` and are dropped, so a caller can report instead of crashing. */
#ifndef PB_CORE_BUF_H
#define PB_CORE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct pb_buf {
    char *data; /* NUL-terminated when len > 0 or after pb_buf_cstr */
    size_t len, cap;
    size_t max; /* 0 means the default cap */
    bool overflow;
} pb_buf;

void pb_buf_append(pb_buf *b, const char *s, size_t n);
void pb_buf_puts(pb_buf *b, const char *s);
void pb_buf_putc(pb_buf *b, char c);
void pb_buf_printf(pb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The contents as a C string (never NULL); owned by the buffer. */
const char *pb_buf_cstr(pb_buf *b);
/* Releases the memory; the buffer can be reused. */
void pb_buf_release(pb_buf *b);

/* JSON string body escaping (RFC 8259) of n bytes, without quotes. Invalid
 * UTF-8 bytes become U+FFFD. */
void pb_buf_json_escape(pb_buf *b, const char *s, size_t n);

/* Appends text for a terminal or a one-line format: invalid UTF-8 and
 * control characters (C0 other than tab, DEL, C1) become U+FFFD, so input
 * bytes can never inject terminal escape sequences. With `one_line`, line
 * breaks and tabs become spaces too. */
void pb_buf_put_display(pb_buf *b, const char *s, size_t n, bool one_line);

#endif
