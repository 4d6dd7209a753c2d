/* String-keyed hash map in arena memory (open addressing, linear probing).
 * Keys are not copied: they must live as long as the map (arena strings). */
#ifndef PB_CORE_STRMAP_H
#define PB_CORE_STRMAP_H

#include <stddef.h>

#include "core/arena.h"

typedef struct pb_strmap {
    const char **keys; /* NULL = empty slot; PB_STRMAP_TOMBSTONE = deleted */
    void **vals;
    size_t cap;  /* power of two, 0 before first insert */
    size_t used; /* live + tombstones */
    size_t len;  /* live entries */
} pb_strmap;

/* The value for `key`, or NULL. */
void *pb_strmap_get(const pb_strmap *m, const char *key);
/* Inserts or replaces. `key` must outlive the map. */
void pb_strmap_put(pb_arena *a, pb_strmap *m, const char *key, void *val);
/* Removes `key` if present. */
void pb_strmap_del(pb_strmap *m, const char *key);

#endif
