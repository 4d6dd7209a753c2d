/* Lowering interface, private to src/parse/ (its callers include the
 * PostgreSQL headers). */
#ifndef PB_PARSE_LOWER_H
#define PB_PARSE_LOWER_H

#include <stdint.h>

#include "core/arena.h"
#include "ir/ir.h"

typedef struct pb_lower_ctx {
    pb_arena *arena;
    pb_ops *ops;
    uint32_t stmt_index; /* index of the statement being lowered */
    pb_span stmt_span;   /* its trimmed span, bytes in the part */
    uint32_t base;       /* offset of the parsed text within the part */
} pb_lower_ctx;

/* Lowers one raw statement node (a RawStmt's stmt) into ops. */
void pb_lower_stmt(pb_lower_ctx *lc, const void *stmt_node);

/* PostgreSQL's node name of a statement node ("AlterTableStmt"). */
const char *pb_lower__stmt_name(const void *node);

#endif
