/* Arena allocator: chunks starting at 4 KiB and doubling (up to 8 MiB),
 * freed together. Small first chunks keep the thousands of per-file results
 * of a migration set cheap while they wait to be printed. */
#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pb_arena_chunk {
    pb_arena_chunk *next;
    size_t cap, used;
    _Alignas(16) unsigned char data[];
};

#define CHUNK_MIN ((size_t)4 * 1024)

static void oom(size_t size)
{
    fprintf(stderr, "pgbelay: out of memory (requested %zu bytes)\n", size);
    abort();
}

pb_arena *pb_arena_new(void)
{
    pb_arena *a = calloc(1, sizeof *a);
    if (!a)
        oom(sizeof *a);
    return a;
}

void pb_arena_free(pb_arena *a)
{
    if (!a)
        return;
    pb_arena_chunk *c = a->head;
    while (c) {
        pb_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}

void *pb_arena_alloc(pb_arena *a, size_t size)
{
    size_t need = (size + 15) & ~(size_t)15;
    if (need < size)
        oom(size);
    pb_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < need) {
        size_t cap = need > CHUNK_MIN ? need : CHUNK_MIN;
        if (c && c->cap * 2 > cap && c->cap < ((size_t)8 << 20))
            cap = c->cap * 2;
        c = malloc(sizeof *c + cap);
        if (!c)
            oom(size);
        c->cap = cap;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->used_total += need;
    memset(p, 0, need);
    return p;
}

char *pb_arena_strndup(pb_arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = pb_arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *pb_arena_strdup(pb_arena *a, const char *s)
{
    return s ? pb_arena_strndup(a, s, strlen(s)) : NULL;
}

char *pb_arena_vsprintf(pb_arena *a, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        n = 0;
    char *d = pb_arena_alloc(a, (size_t)n + 1);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    return d;
}

char *pb_arena_sprintf(pb_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = pb_arena_vsprintf(a, fmt, ap);
    va_end(ap);
    return d;
}

void pb_ptrvec_push(pb_arena *a, pb_ptrvec *v, void *item)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        void **n = pb_arena_alloc(a, cap * sizeof *n);
        if (v->len)
            memcpy(n, v->items, v->len * sizeof *n);
        v->items = n;
        v->cap = cap;
    }
    v->items[v->len++] = item;
}
