/* Custom rules' PCRE2 side (module-private to src/config/): compiling a
 * pattern once, with JIT where the platform has it, and freeing them. */
#ifndef PB_CONFIG_CUSTOM_H
#define PB_CONFIG_CUSTOM_H

#include <stddef.h>

#include "config/config.h"

/* Compile flag: match case-insensitively (statement patterns: SQL keywords
 * are case-insensitive). */
#define PB_CUSTOM_CASELESS 1u

/* Compiles `pattern` (UTF-8; invalid UTF-8 in subjects never matches
 * instead of failing) and JIT-compiles it when PCRE2 supports JIT here.
 * Returns a pcre2_code_8 *, or NULL with PCRE2's message in err[errlen]
 * and the pattern offset (bytes) of the error in *offset. */
void *pb_custom__compile(const char *pattern, unsigned flags, char *err, size_t errlen, size_t *offset);

/* Hands a compiled pattern to the config (freed by pb_custom__free_all). */
void pb_custom__keep(pb_config *cfg, void *code);

/* Frees every pattern the config keeps. */
void pb_custom__free_all(pb_config *cfg);

#endif
