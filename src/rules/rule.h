/* The rule interface: each rule is a pure function over (op, state before
 * the op, catalog) that reports diagnostics through its context. Rule
 * metadata comes from rules/<id>.yaml through the generated registry. */
#ifndef PB_RULES_RULE_H
#define PB_RULES_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"
#include "core/arena.h"
#include "facts/facts.h"
#include "ir/ir.h"
#include "pgbelay/pgbelay.h"
#include "source/source.h"

/* Transaction and session state before the op being checked. */
typedef struct pb_lint_state {
    bool in_tx;                /* inside an explicit BEGIN, or the runner wraps the file */
    bool explicit_tx;          /* inside an explicit BEGIN ... COMMIT */
    bool assumed_tx;           /* --assume-in-transaction and no explicit COMMIT yet */
    uint32_t tx_id;            /* increments at each transaction start; statements outside
                                  any transaction each get a fresh id */
    bool lock_timeout_set;     /* SET [LOCAL] lock_timeout to a non-zero value earlier */
    bool lock_timeout_session; /* ... by a plain SET (survives COMMIT) */
    bool lock_timeout_local;   /* ... by SET LOCAL in the current transaction */
    uint32_t tx_begin_stmt;    /* statement index of the current BEGIN, if explicit */
    uint32_t tx_begin_at;      /* its byte offset */
    const char *tx_reason;     /* why the part runs in a transaction the file does not open itself
                                  ("goose runs each migration in a transaction ..."), or NULL */
    bool down;                 /* the part is a rollback (down) part */
    const char *no_tx_reason;  /* the migration tool runs the part outside a transaction, and why
                                  ("-- +goose NO TRANSACTION ..."); NULL for plain SQL */
    bool timezone_utc;         /* SET timezone = 'UTC' (or GMT, Etc/UTC) earlier in the part */
    bool has_down;             /* the part's migration has a down part (pb_migration.down) */
    bool expects_down;         /* its tool and project use down parts (pb_migration.expects_down) */
} pb_lint_state;

struct pb_rule_ctx;
typedef void (*pb_rule_check_fn)(struct pb_rule_ctx *ctx, const pb_op *op);

/* An example from a rule's YAML: `bad` ones must fire the rule, `good` ones
 * must not. */
typedef struct pb_rule_example {
    bool bad;
    const char *sql;
    int pg_version; /* 0 = default */
    bool assume_in_transaction;
} pb_rule_example;

/* Upper bound on the number of rules (registry indexes are below it). */
#define PB_RULES_MAX 256

struct pb_rule_info {
    size_t index;     /* position in pb_rule_registry */
    const char *id;   /* kebab-case, stable */
    const char *code; /* "PB101", stable, never reused */
    pb_severity severity;
    const char *summary;    /* one line */
    const char *why;        /* rationale, paragraphs */
    const char *instead;    /* the safe alternative */
    const char *lock;       /* lock taken, as text */
    int pg_min, pg_max;     /* versions where the rule applies (inclusive) */
    const char *stage;      /* "op": checked per op; "source"/"parse": emitted by the pipeline */
    pb_rule_check_fn check; /* NULL unless stage is "op" */
    const pb_rule_example *examples;
    size_t nexamples;
    const char *explain; /* full text of `pgbelay explain` */
};

typedef struct pb_diag_sink {
    pb_arena *arena;
    pb_diag *items;
    size_t len, cap;
    uint32_t per_rule[PB_RULES_MAX]; /* findings so far, by rule index */
} pb_diag_sink;

typedef struct pb_rule_ctx {
    const pb_rule_info *rule;
    const pb_options *opt;
    int pg_version;
    const pb_source *src;
    const pb_lint_state *st;
    const pb_catalog *cat;
    const pb_ops *ops;
    size_t op_index;
    pb_arena *arena;
    pb_diag_sink *sink;
} pb_rule_ctx;

/* Reports a finding of ctx->rule at `span` (use op->focus or op->span), with
 * a printf-style message (no trailing period) and an optional help text.
 * Both are copied. */
void pb_rule_report(pb_rule_ctx *ctx, const pb_op *op, pb_span span, const char *help, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Appends a diagnostic built outside the rule functions (pipeline rules). */
void pb_diag_sink_add(pb_diag_sink *sink, const pb_rule_info *rule, pb_span span, uint32_t stmt_start,
                      uint32_t stmt_end, const char *message, const char *help);

/* How many findings ctx->rule has reported so far in this part: a rule
 * whose one fix covers the whole file reports only its first occurrence. */
size_t pb_rule_reported(const pb_rule_ctx *ctx);

/* The facts of `op` with what the catalog knows (old column type, proven
 * NOT NULL, constraint kind). */
void pb_rule_facts(const pb_rule_ctx *ctx, const pb_op *op, pb_fact *out);

/* A table created earlier in this part: no application uses it yet, so lock
 * hazards on it do not apply. */
bool pb_rule_table_is_new(const pb_rule_ctx *ctx, pb_qname rel);

/* Arena string for messages, quoted as PostgreSQL does: "schema.table" or "table". */
const char *pb_rule_name(const pb_rule_ctx *ctx, pb_qname q);

/* The generated registry. */
extern const pb_rule_info *const pb_rule_registry[];
extern const size_t pb_rule_registry_len;

/* Pipeline rules, looked up once by id. */
const pb_rule_info *pb_rule__by_id(const char *id);

#endif
