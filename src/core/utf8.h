/* UTF-8 decoding helpers (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
#ifndef PB_CORE_UTF8_H
#define PB_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from s[0..n). Returns its length in bytes (1-4),
 * or 0 if the bytes there are not valid UTF-8. */
size_t pb_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Offset of the first invalid byte in s[0..n), or n when all is valid. */
size_t pb_utf8_validate(const char *s, size_t n);

#endif
