/* Unit tests for core data structures: arena, UTF-8, buffers, source
 * positions in every column unit, IR type helpers, lock conflicts. */
#include <stdlib.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "ir/ir.h"
#include "source/source.h"
#include "test.h"

static void arena(void)
{
    pb_arena *a = pb_arena_new();
    char *big = pb_arena_alloc(a, 200000); /* larger than a chunk */
    big[199999] = 'x';
    OK(((uintptr_t)pb_arena_alloc(a, 3) & 15) == 0);
    STR_EQ(pb_arena_sprintf(a, "%s-%d", "pg", 15), "pg-15");
    STR_EQ(pb_arena_strndup(a, "abcdef", 3), "abc");
    OK(pb_arena_strdup(a, NULL) == NULL);
    pb_ptrvec v = {0};
    for (int i = 0; i < 100; i++)
        pb_ptrvec_push(a, &v, (void *)(intptr_t)(i + 1));
    INT_EQ(v.len, 100);
    INT_EQ((intptr_t)v.items[99], 100);
    pb_arena_free(a);
}

static void utf8(void)
{
    uint32_t cp;
    INT_EQ(pb_utf8_decode("\xC3\xA9", 2, &cp), 2);
    INT_EQ(cp, 0xE9);
    INT_EQ(pb_utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
    INT_EQ(cp, 0x1F600);
    INT_EQ(pb_utf8_decode("\xC0\xAF", 2, &cp), 0);     /* overlong */
    INT_EQ(pb_utf8_decode("\xED\xA0\x80", 3, &cp), 0); /* surrogate */
    INT_EQ(pb_utf8_decode("\xE2\x82", 2, &cp), 0);     /* truncated */
    INT_EQ(pb_utf8_validate("ab\xE9"
                            "cd",
                            5),
           2);
    INT_EQ(pb_utf8_validate("caf\xC3\xA9", 5), 5);
}

static void buf(void)
{
    pb_buf b = {0};
    pb_buf_json_escape(&b, "a\"b\\\n\x01\xFF\xC3\xA9", 9);
    STR_EQ(pb_buf_cstr(&b), "a\\\"b\\\\\\n\\u0001\xEF\xBF\xBD\xC3\xA9");
    pb_buf_release(&b);
    pb_buf capped = {.max = 4};
    pb_buf_puts(&capped, "abc");
    pb_buf_puts(&capped, "de");
    OK(capped.overflow);
    STR_EQ(pb_buf_cstr(&capped), "abc");
    pb_buf_release(&capped);
}

static void positions(void)
{
    pb_arena *a = pb_arena_new();
    /* "é" is 2 bytes, 1 code point, 1 UTF-16 unit; "😀" is 4 bytes, 2 units */
    const char *text = "ab\r\n\xC3\xA9x\t\xF0\x9F\x98\x80y\nlast";
    pb_source *s = pb_source_new(a, "t.sql", text, strlen(text));
    INT_EQ(s->nlines, 3);
    OK(s->has_crlf);
    uint32_t line, col;
    uint32_t off_y = 4 + 2 + 1 + 1 + 4; /* 'y' */
    pb_source_position(s, off_y, PB_COL_BYTES, &line, &col);
    INT_EQ(line, 2);
    INT_EQ(col, 9);
    pb_source_position(s, off_y, PB_COL_CHARS, &line, &col);
    INT_EQ(col, 5);
    pb_source_position(s, off_y, PB_COL_UTF16, &line, &col);
    INT_EQ(col, 6);
    pb_source_position(s, off_y, PB_COL_DISPLAY, &line, &col); /* tab to column 9, emoji 1 */
    INT_EQ(col, 10);
    uint32_t ls, le;
    OK(pb_source_line(s, 1, &ls, &le));
    INT_EQ(le - ls, 2); /* "ab" without \r\n */
    OK(pb_source_line(s, 3, &ls, &le));
    INT_EQ(le - ls, 4);
    OK(!pb_source_line(s, 4, &ls, &le));
    pb_source_position(s, 10000, PB_COL_BYTES, &line, &col); /* clamped */
    INT_EQ(line, 3);
    INT_EQ(col, 5);
    pb_source *e = pb_source_new(a, "e.sql", "", 0);
    pb_source_position(e, 0, PB_COL_UTF16, &line, &col);
    INT_EQ(line, 1);
    INT_EQ(col, 1);
    pb_source *n = pb_source_new(a, "n.sql", "a\0b", 3);
    INT_EQ(n->first_nul, 1);
    pb_arena_free(a);
}

static void types_and_locks(void)
{
    STR_EQ(pb_type_normalize_name("integer"), "int4");
    STR_EQ(pb_type_normalize_name("character varying"), "varchar");
    STR_EQ(pb_type_normalize_name("timestamp with time zone"), "timestamptz");
    STR_EQ(pb_type_normalize_name("mood"), "mood");
    pb_arena *a = pb_arena_new();
    pb_type t = {.name = "varchar", .nmods = 1, .mods = {20}};
    STR_EQ(pb_type_str(a, &t), "varchar(20)");
    pb_type n = {.name = "numeric", .nmods = 2, .mods = {10, 2}, .array_dims = 1};
    STR_EQ(pb_type_str(a, &n), "numeric(10,2)[]");
    pb_type i4 = {.name = "int4"};
    STR_EQ(pb_type_str(a, &i4), "integer");
    pb_arena_free(a);
    OK(pb_qname_match((pb_qname){NULL, "t"}, (pb_qname){"public", "t"}));
    OK(!pb_qname_match((pb_qname){"a", "t"}, (pb_qname){"b", "t"}));
    /* the conflict table is symmetric and matches the manual's matrix */
    for (int x = 1; x <= 8; x++)
        for (int y = 1; y <= 8; y++)
            CHECK_(pb_lock_conflicts(x, y) == pb_lock_conflicts(y, x), "conflicts(%d,%d) not symmetric", x,
                   y);
    OK(pb_lock_conflicts(PB_LOCK_ACCESS_EXCLUSIVE, PB_LOCK_ACCESS_SHARE));
    OK(!pb_lock_conflicts(PB_LOCK_SHARE, PB_LOCK_SHARE));
    OK(pb_lock_conflicts(PB_LOCK_SHARE, PB_LOCK_ROW_EXCLUSIVE));
    OK(pb_lock_conflicts(PB_LOCK_SHARE_UPDATE_EXCLUSIVE, PB_LOCK_SHARE_UPDATE_EXCLUSIVE));
    OK(!pb_lock_conflicts(PB_LOCK_SHARE_UPDATE_EXCLUSIVE, PB_LOCK_ROW_EXCLUSIVE));
    STR_EQ(pb_lock_mode_name(PB_LOCK_SHARE_ROW_EXCLUSIVE), "SHARE ROW EXCLUSIVE");
}

void test_unit(void)
{
    arena();
    utf8();
    buf();
    positions();
    types_and_locks();
}
