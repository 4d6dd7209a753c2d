/* Framework adapters: file naming and ordering, up/down markers, and
 * transaction modes of each migration tool (frameworks-and-formats.md). */
#include "framework/framework.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const fw_names[PB_FW__COUNT] = {
    [PB_FW_PLAIN] = "plain",
    [PB_FW_GOLANG_MIGRATE] = "golang-migrate",
    [PB_FW_GOOSE] = "goose",
    [PB_FW_DBMATE] = "dbmate",
    [PB_FW_SQL_MIGRATE] = "sql-migrate",
    [PB_FW_FLYWAY] = "flyway",
    [PB_FW_LIQUIBASE] = "liquibase",
    [PB_FW_SQITCH] = "sqitch",
    [PB_FW_DIESEL] = "diesel",
    [PB_FW_SQLX] = "sqlx",
    [PB_FW_REFINERY] = "refinery",
    [PB_FW_PRISMA] = "prisma",
    [PB_FW_ATLAS] = "atlas",
    [PB_FW_TERN] = "tern",
    [PB_FW_NODE_PG_MIGRATE] = "node-pg-migrate",
    [PB_FW_GRAPHILE_MIGRATE] = "graphile-migrate",
};

const char *pb_framework_name(pb_framework fw)
{
    return fw >= 0 && fw < PB_FW__COUNT ? fw_names[fw] : "?";
}

bool pb_framework_parse(const char *name, pb_framework *out)
{
    for (int i = 0; i < PB_FW__COUNT; i++)
        if (!strcmp(name, fw_names[i])) {
            *out = (pb_framework)i;
            return true;
        }
    return false;
}

const char *pb_tx_mode_name(pb_tx_mode m)
{
    switch (m) {
    case PB_TX_NONE: return "none";
    case PB_TX_WRAPPED: return "wrapped";
    case PB_TX_ONE_QUERY: return "one-query";
    }
    return "?";
}

/* ---- set building helpers ------------------------------------------------------ */

pb_migration *pb_framework__add(pb_arena *a, pb_migration_set *set, const char *version, const char *name)
{
    if (set->len == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 32;
        pb_migration **n = pb_arena_alloc(a, cap * sizeof *n);
        if (set->len)
            memcpy(n, set->items, set->len * sizeof *n);
        set->items = n;
        set->cap = cap;
    }
    pb_migration *m = pb_arena_alloc(a, sizeof *m);
    m->version = pb_arena_strdup(a, version ? version : "");
    m->name = pb_arena_strdup(a, name ? name : "");
    set->items[set->len++] = m;
    return m;
}

pb_part *pb_framework__part(pb_arena *a, pb_source *src, uint32_t start, uint32_t end, bool down,
                            pb_tx_mode tx, const char *reason)
{
    pb_part *p = pb_arena_alloc(a, sizeof *p);
    p->src = src;
    p->start = start;
    p->end = end < start ? start : end;
    p->down = down;
    p->tx = tx;
    p->tx_reason = reason;
    return p;
}

void pb_framework__problem(pb_arena *a, pb_migration_set *set, pb_source *src, uint32_t offset,
                           const char *message)
{
    if (set->nproblems == set->problems_cap) {
        size_t cap = set->problems_cap ? set->problems_cap * 2 : 8;
        pb_fw_problem *n = pb_arena_alloc(a, cap * sizeof *n);
        if (set->nproblems)
            memcpy(n, set->problems, set->nproblems * sizeof *n);
        set->problems = n;
        set->problems_cap = cap;
    }
    set->problems[set->nproblems++] = (pb_fw_problem){src, offset, pb_arena_strdup(a, message)};
}

void pb_framework__unreadable(pb_arena *a, pb_migration_set *set, const char *path, const char *error,
                              size_t size)
{
    if (set->nunloaded == set->unloaded_cap) {
        size_t cap = set->unloaded_cap ? set->unloaded_cap * 2 : 8;
        pb_unloaded *n = pb_arena_alloc(a, cap * sizeof *n);
        if (set->nunloaded)
            memcpy(n, set->unloaded, set->nunloaded * sizeof *n);
        set->unloaded = n;
        set->unloaded_cap = cap;
    }
    set->unloaded[set->nunloaded++] =
        (pb_unloaded){pb_arena_strdup(a, path), pb_arena_strdup(a, error), size};
}

/* ---- lines and markers ------------------------------------------------------------ */

typedef struct line {
    uint32_t start, end; /* without the line break */
    uint32_t next;       /* start of the next line */
} line;

static bool next_line(const pb_source *src, uint32_t pos, line *l)
{
    if (pos >= src->len)
        return false;
    const char *nl = memchr(src->text + pos, '\n', src->len - pos);
    uint32_t e = nl ? (uint32_t)(nl - src->text) : (uint32_t)src->len;
    l->start = pos;
    l->next = nl ? e + 1 : e;
    if (e > pos && src->text[e - 1] == '\r')
        e--;
    l->end = e;
    return true;
}

/* Case-insensitive: does the line (after `skip` leading spaces if allowed)
 * start with `prefix`? Returns the offset after it, or 0. */
static uint32_t line_starts(const pb_source *src, const line *l, const char *prefix, bool allow_space)
{
    uint32_t i = l->start;
    if (allow_space)
        while (i < l->end && (src->text[i] == ' ' || src->text[i] == '\t'))
            i++;
    size_t n = strlen(prefix);
    if (l->end - i < n || strncasecmp(src->text + i, prefix, n) != 0)
        return 0;
    return i + (uint32_t)n;
}

/* The rest of the line after `from`, trimmed, lower-cased, into buf. */
static const char *rest_lower(const pb_source *src, uint32_t from, uint32_t end, char *buf, size_t cap)
{
    while (from < end && isspace((unsigned char)src->text[from]))
        from++;
    while (end > from && isspace((unsigned char)src->text[end - 1]))
        end--;
    size_t n = end - from < cap - 1 ? end - from : cap - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)tolower((unsigned char)src->text[from + i]);
    buf[n] = '\0';
    return buf;
}

pb_framework pb_framework_detect_source(const pb_source *src)
{
    line l;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        if (line_starts(src, &l, "-- +goose ", false))
            return PB_FW_GOOSE;
        if (line_starts(src, &l, "-- +migrate ", false))
            return PB_FW_SQL_MIGRATE;
        if (line_starts(src, &l, "--", false)) {
            uint32_t i = l.start + 2;
            while (i < l.end && (src->text[i] == ' ' || src->text[i] == '\t'))
                i++;
            if (l.end - i >= 10 && strncmp(src->text + i, "migrate:up", 10) == 0)
                return PB_FW_DBMATE;
        }
        if (line_starts(src, &l, "---- create above / drop below ----", false) ||
            line_starts(src, &l, "---- tern: disable-tx ----", false))
            return PB_FW_TERN;
        if (pos == 0 && line_starts(src, &l, "--liquibase formatted", true))
            return PB_FW_LIQUIBASE;
    }
    return PB_FW_PLAIN;
}

/* ---- template regions ---------------------------------------------------------------- */

/* Marks ${...} and {{ ... }} regions as opaque (tools expand them before
 * PostgreSQL sees the text). */
static void find_templates(pb_arena *a, pb_part *p, bool dollar_brace, bool mustache)
{
    const char *t = p->src->text;
    size_t cap = 0;
    for (uint32_t i = p->start; i + 1 < p->end; i++) {
        const char *close = NULL;
        uint32_t clen = 0;
        if (dollar_brace && t[i] == '$' && t[i + 1] == '{')
            close = "}", clen = 1;
        else if (mustache && t[i] == '{' && t[i + 1] == '{')
            close = "}}", clen = 2;
        if (!close)
            continue;
        uint32_t j = i + 2;
        while (j + clen <= p->end && memcmp(t + j, close, clen) != 0 && t[j] != '\n')
            j++;
        if (j + clen > p->end || t[j] == '\n')
            continue;
        if (p->nopaque == cap) {
            cap = cap ? cap * 2 : 4;
            pb_span *n = pb_arena_alloc(a, cap * sizeof *n);
            if (p->nopaque)
                memcpy(n, p->opaque, p->nopaque * sizeof *n);
            p->opaque = n;
        }
        p->opaque[p->nopaque++] = (pb_span){i, j + clen};
        i = j + clen - 1;
    }
}

/* ---- marker-based splitting ------------------------------------------------------------- */

static void goose(pb_arena *a, pb_source *src, pb_migration_set *set, pb_migration *m)
{
    /* -- +goose Up / Down / NO TRANSACTION / ENVSUB ON (pressly/goose
       internal/sqlparser): exactly one Up; Down optional, after Up */
    bool notx = false, envsub = false;
    int64_t up = -1, up_marker = -1, down = -1, down_marker = -1;
    line l;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        uint32_t k = line_starts(src, &l, "-- +goose ", false);
        if (!k)
            continue;
        char buf[64];
        const char *what = rest_lower(src, k, l.end, buf, sizeof buf);
        if (!strcmp(what, "up")) {
            if (up >= 0)
                pb_framework__problem(a, set, src, l.start,
                                      "a second '-- +goose Up' marker; goose allows one");
            else
                up = l.next, up_marker = l.start;
        } else if (!strcmp(what, "down")) {
            if (up < 0)
                pb_framework__problem(a, set, src, l.start, "'-- +goose Down' before '-- +goose Up'");
            else if (down < 0)
                down = l.next, down_marker = l.start;
        } else if (!strcmp(what, "no transaction")) {
            notx = true;
        } else if (!strcmp(what, "envsub on")) {
            envsub = true;
        }
    }
    if (up < 0) {
        pb_framework__problem(a, set, src, 0, "no '-- +goose Up' marker: goose refuses this file");
        up = 0, up_marker = 0;
    }
    (void)up_marker;
    pb_tx_mode tx = notx ? PB_TX_NONE : PB_TX_WRAPPED;
    const char *why =
        notx ? "-- +goose NO TRANSACTION: goose runs each statement on its own"
             : "goose runs each migration in a transaction unless it says -- +goose NO TRANSACTION";
    m->up = pb_framework__part(a, src, (uint32_t)up, down >= 0 ? (uint32_t)down_marker : (uint32_t)src->len,
                               false, tx, why);
    if (down >= 0)
        m->down = pb_framework__part(a, src, (uint32_t)down, (uint32_t)src->len, true, tx, why);
    m->expects_down = true;
    if (envsub) {
        find_templates(a, m->up, true, false);
        if (m->down)
            find_templates(a, m->down, true, false);
    }
}

static void dbmate(pb_arena *a, pb_source *src, pb_migration_set *set, pb_migration *m)
{
    /* -- migrate:up [transaction:false] / -- migrate:down, repeatable pairs;
       each block is sent as one Exec (amacneil/dbmate pkg/dbmate). Each
       further up block starts another migration entry of the same version,
       paired with the down block that follows it. */
    pb_migration *cur = m;
    int64_t open_start = -1;
    bool open_down = false, open_notx = false, seen_up = false;
    line l;
    for (uint32_t pos = 0;; pos = l.next) {
        bool have = next_line(src, pos, &l);
        bool is_marker = false, is_down = false, notx = false;
        if (have && line_starts(src, &l, "--", false)) {
            uint32_t i = l.start + 2;
            while (i < l.end && (src->text[i] == ' ' || src->text[i] == '\t'))
                i++;
            bool up = l.end - i >= 10 && strncmp(src->text + i, "migrate:up", 10) == 0;
            bool down = l.end - i >= 12 && strncmp(src->text + i, "migrate:down", 12) == 0;
            if (up || down) {
                char buf[128];
                is_down = down;
                is_marker = true;
                notx = strstr(rest_lower(src, i + (down ? 12 : 10), l.end, buf, sizeof buf),
                              "transaction:false") != NULL;
            }
        }
        if (have && !is_marker)
            continue;
        if (open_start >= 0) {
            uint32_t end = have ? l.start : (uint32_t)src->len;
            pb_tx_mode tx = open_notx ? PB_TX_ONE_QUERY : PB_TX_WRAPPED;
            const char *why =
                open_notx ? "dbmate sends a transaction:false block as one query string, which "
                            "PostgreSQL runs as one implicit transaction when it has several statements"
                          : "dbmate runs each block in a transaction unless it says transaction:false";
            pb_part *p = pb_framework__part(a, src, (uint32_t)open_start, end, open_down, tx, why);
            if (!open_down) {
                if (cur->up || cur->down)
                    cur = pb_framework__add(a, set, m->version, m->name);
                cur->up = p;
            } else {
                if (cur->down || !cur->up)
                    cur = pb_framework__add(a, set, m->version, m->name);
                cur->down = p;
            }
            cur->expects_down = true;
        }
        if (!have)
            break;
        if (is_down && !seen_up)
            pb_framework__problem(a, set, src, l.start, "'-- migrate:down' before '-- migrate:up'");
        seen_up |= !is_down;
        open_start = l.next;
        open_down = is_down;
        open_notx = notx;
    }
    if (!seen_up)
        pb_framework__problem(a, set, src, 0, "no '-- migrate:up' marker: dbmate refuses this file");
    for (size_t k = 0; k < set->len; k++) /* a down block without its up */
        if (!set->items[k]->up)
            set->items[k]->up = pb_framework__part(
                a, src, set->items[k]->down ? set->items[k]->down->start : 0,
                set->items[k]->down ? set->items[k]->down->start : 0, false, PB_TX_WRAPPED, NULL);
    m->expects_down = true;
}

static void sql_migrate(pb_arena *a, pb_source *src, pb_migration_set *set, pb_migration *m)
{
    /* -- +migrate Up [notransaction] / -- +migrate Down [notransaction]
       (rubenv/sql-migrate sqlparse): statements run one by one */
    int64_t up = -1, upm = -1, down = -1, downm = -1;
    bool up_notx = false, down_notx = false;
    line l;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        uint32_t k = line_starts(src, &l, "-- +migrate ", false);
        if (!k)
            continue;
        char buf[64];
        const char *what = rest_lower(src, k, l.end, buf, sizeof buf);
        if (!strncmp(what, "up", 2) && up < 0)
            up = l.next, upm = l.start, up_notx = strstr(what, "notransaction") != NULL;
        else if (!strncmp(what, "down", 4) && down < 0)
            down = l.next, downm = l.start, down_notx = strstr(what, "notransaction") != NULL;
    }
    if (up < 0) {
        pb_framework__problem(a, set, src, 0, "no '-- +migrate Up' marker");
        up = 0;
    }
    uint32_t up_end = (uint32_t)src->len;
    if (down > up)
        up_end = (uint32_t)downm;
    (void)upm;
    m->up = pb_framework__part(a, src, (uint32_t)up, up_end, false, up_notx ? PB_TX_NONE : PB_TX_WRAPPED,
                               up_notx ? "-- +migrate Up notransaction"
                                       : "sql-migrate runs each direction in a transaction");
    if (down >= 0)
        m->down = pb_framework__part(a, src, (uint32_t)down, down > up ? (uint32_t)src->len : (uint32_t)upm,
                                     true, down_notx ? PB_TX_NONE : PB_TX_WRAPPED,
                                     down_notx ? "-- +migrate Down notransaction"
                                               : "sql-migrate runs each direction in a transaction");
    m->expects_down = true;
}

static void tern(pb_arena *a, pb_source *src, pb_migration_set *set, pb_migration *m)
{
    /* ---- create above / drop below ----; ---- tern: disable-tx ----
       (jackc/tern migrate.go); templates {{ ... }} */
    bool notx = false;
    int64_t sep = -1, sep_next = -1;
    line l;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        if (line_starts(src, &l, "---- tern: disable-tx ----", false))
            notx = true;
        else if (sep < 0 && line_starts(src, &l, "---- create above / drop below ----", false))
            sep = l.start, sep_next = l.next;
    }
    (void)set;
    pb_tx_mode tx = notx ? PB_TX_NONE : PB_TX_ONE_QUERY;
    const char *why = notx ? "---- tern: disable-tx ----: tern runs each statement on its own"
                           : "tern sends the migration as one query string in a transaction";
    if (!notx)
        tx = PB_TX_WRAPPED;
    m->up = pb_framework__part(a, src, 0, sep >= 0 ? (uint32_t)sep : (uint32_t)src->len, false, tx, why);
    if (sep >= 0)
        m->down = pb_framework__part(a, src, (uint32_t)sep_next, (uint32_t)src->len, true, tx, why);
    m->expects_down = false;
    find_templates(a, m->up, false, true);
    if (m->down)
        find_templates(a, m->down, false, true);
}

static void node_pg_migrate(pb_arena *a, pb_source *src, pb_migration *m)
{
    /* -- Up Migration / -- Down Migration; each section one query string,
       all pending migrations in one transaction by default */
    int64_t up = -1, upm = -1, down = -1, downm = -1;
    line l;
    for (uint32_t pos = 0; next_line(src, pos, &l); pos = l.next) {
        char buf[64];
        if (!line_starts(src, &l, "--", true))
            continue;
        const char *what = rest_lower(src, l.start, l.end, buf, sizeof buf);
        while (*what == '-' || *what == ' ')
            what++;
        if (!strncmp(what, "up migration", 12) && up < 0)
            up = l.next, upm = l.start;
        else if (!strncmp(what, "down migration", 14) && down < 0)
            down = l.next, downm = l.start;
    }
    const char *why = "node-pg-migrate runs pending migrations in one transaction";
    uint32_t us = up >= 0 ? (uint32_t)up : 0;
    uint32_t ue = down > us ? (uint32_t)downm : (uint32_t)src->len;
    (void)upm;
    m->up = pb_framework__part(a, src, us, ue, false, PB_TX_WRAPPED, why);
    if (down >= 0)
        m->down = pb_framework__part(a, src, (uint32_t)down, (uint32_t)src->len, true, PB_TX_WRAPPED, why);
}

void pb_framework_split_source(pb_arena *a, pb_framework fw, pb_source *src, pb_migration_set *set,
                               const char *version, const char *name)
{
    pb_migration *m = pb_framework__add(a, set, version, name);
    switch (fw) {
    case PB_FW_GOOSE: goose(a, src, set, m); return;
    case PB_FW_DBMATE: dbmate(a, src, set, m); return;
    case PB_FW_SQL_MIGRATE: sql_migrate(a, src, set, m); return;
    case PB_FW_TERN: tern(a, src, set, m); return;
    case PB_FW_NODE_PG_MIGRATE: node_pg_migrate(a, src, m); return;
    default: break;
    }
    /* one part: the whole file */
    pb_tx_mode tx = PB_TX_NONE;
    const char *why = NULL;
    switch (fw) {
    case PB_FW_GOLANG_MIGRATE:
        tx = PB_TX_ONE_QUERY;
        why =
            "golang-migrate sends the whole file as one query string, which PostgreSQL runs as one implicit "
            "transaction when it has several statements";
        break;
    case PB_FW_SQLX:
        tx = PB_TX_WRAPPED;
        why = "sqlx runs each migration in a transaction unless the file starts with -- no-transaction";
        if (src->len >= 17 && !memcmp(src->text, "-- no-transaction", 17)) {
            tx = PB_TX_ONE_QUERY;
            why = "sqlx sends a -- no-transaction file as one query string, which PostgreSQL runs as one "
                  "implicit "
                  "transaction when it has several statements";
        }
        break;
    case PB_FW_DIESEL:
    case PB_FW_REFINERY:
    case PB_FW_FLYWAY:
    case PB_FW_ATLAS:
        tx = PB_TX_WRAPPED;
        why = fw == PB_FW_DIESEL   ? "diesel runs each migration in a transaction unless metadata.toml says "
                                     "run_in_transaction = false"
              : fw == PB_FW_FLYWAY ? "Flyway runs each migration in a transaction unless its .sql.conf says "
                                     "executeInTransaction=false"
              : fw == PB_FW_ATLAS
                  ? "Atlas runs each file in a transaction unless it says -- atlas:txmode none"
                  : "refinery runs each migration in a transaction";
        break;
    case PB_FW_PRISMA:
    case PB_FW_GRAPHILE_MIGRATE:
        tx = PB_TX_ONE_QUERY;
        why = fw == PB_FW_PRISMA
                  ? "Prisma sends migration.sql as one query string, which PostgreSQL runs as one "
                    "implicit transaction when it has several statements"
                  : "graphile-migrate sends each migration as one query string";
        break;
    default: break;
    }
    m->up = pb_framework__part(a, src, 0, (uint32_t)src->len, false, tx, why);
    if (fw == PB_FW_FLYWAY)
        find_templates(a, m->up, true, false);
}
