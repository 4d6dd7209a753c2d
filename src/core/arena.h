/* Bump-pointer arena: one per unit of work (a source part, a run), released
 * at once. Allocation failure aborts with a message: pgbelay does not try
 * to survive running out of memory mid-statement. */
#ifndef PB_CORE_ARENA_H
#define PB_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct pb_arena_chunk pb_arena_chunk;

typedef struct pb_arena {
    pb_arena_chunk *head;
    size_t used_total; /* bytes handed out, for statistics */
} pb_arena;

/* Returns a new arena (heap-allocated); release with pb_arena_free. */
pb_arena *pb_arena_new(void);
/* Frees every allocation of the arena and the arena itself; NULL is a no-op. */
void pb_arena_free(pb_arena *a);

/* Zeroed, 16-byte aligned memory owned by the arena. */
void *pb_arena_alloc(pb_arena *a, size_t size);
/* Copies of strings, owned by the arena. NULL in, NULL out. */
char *pb_arena_strdup(pb_arena *a, const char *s);
char *pb_arena_strndup(pb_arena *a, const char *s, size_t n);
/* printf into arena memory. */
char *pb_arena_sprintf(pb_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *pb_arena_vsprintf(pb_arena *a, const char *fmt, va_list ap);

/* Growable array of pointers in arena memory. */
typedef struct pb_ptrvec {
    void **items;
    size_t len, cap;
} pb_ptrvec;
void pb_ptrvec_push(pb_arena *a, pb_ptrvec *v, void *item);

#endif
