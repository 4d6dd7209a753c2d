/* Open-addressing string map used by the catalog for O(1) name lookups. */
#include "core/strmap.h"

#include <stdint.h>
#include <string.h>

static const char tombstone_key[] = "";
#define TOMB (tombstone_key)

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void *pb_strmap_get(const pb_strmap *m, const char *key)
{
    if (!m->cap || !key)
        return NULL;
    size_t k = hash(key) & (m->cap - 1);
    while (m->keys[k]) {
        if (m->keys[k] != TOMB && strcmp(m->keys[k], key) == 0)
            return m->vals[k];
        k = (k + 1) & (m->cap - 1);
    }
    return NULL;
}

static void grow(pb_arena *a, pb_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    while (cap < m->len * 4)
        cap *= 2;
    const char **keys = pb_arena_alloc(a, cap * sizeof *keys);
    void **vals = pb_arena_alloc(a, cap * sizeof *vals);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i] || m->keys[i] == TOMB)
            continue;
        size_t k = hash(m->keys[i]) & (cap - 1);
        while (keys[k])
            k = (k + 1) & (cap - 1);
        keys[k] = m->keys[i];
        vals[k] = m->vals[i];
    }
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    m->used = m->len;
}

void pb_strmap_put(pb_arena *a, pb_strmap *m, const char *key, void *val)
{
    if (!key)
        return;
    if ((m->used + 1) * 2 > m->cap)
        grow(a, m);
    size_t k = hash(key) & (m->cap - 1), tomb = SIZE_MAX;
    while (m->keys[k]) {
        if (m->keys[k] == TOMB) {
            if (tomb == SIZE_MAX)
                tomb = k;
        } else if (strcmp(m->keys[k], key) == 0) {
            m->vals[k] = val;
            return;
        }
        k = (k + 1) & (m->cap - 1);
    }
    if (tomb != SIZE_MAX)
        k = tomb;
    else
        m->used++;
    m->keys[k] = key;
    m->vals[k] = val;
    m->len++;
}

void pb_strmap_del(pb_strmap *m, const char *key)
{
    if (!m->cap || !key)
        return;
    size_t k = hash(key) & (m->cap - 1);
    while (m->keys[k]) {
        if (m->keys[k] != TOMB && strcmp(m->keys[k], key) == 0) {
            m->keys[k] = TOMB;
            m->vals[k] = NULL;
            m->len--;
            return;
        }
        k = (k + 1) & (m->cap - 1);
    }
}
