/* CLI: one cmd_* function per subcommand, dispatched from main.c. */
#ifndef PB_CLI_H
#define PB_CLI_H

#include <stdbool.h>

/* Process exit codes (documented in --help and the README). */
enum pb_exit {
    PB_EXIT_OK = 0,       /* no findings at or above --fail-on */
    PB_EXIT_FINDINGS = 1, /* findings at or above --fail-on */
    PB_EXIT_ERROR = 2,    /* usage error, unreadable input, internal error */
};

int pb_cmd_lint(int argc, char **argv);
int pb_cmd_rules(int argc, char **argv);
int pb_cmd_explain(int argc, char **argv);

int pb_cmd_plan(int argc, char **argv);

/* Walks `root` with fts(3), following symbolic links, in name order,
 * skipping dot-directories: `add` gets each *.sql file (error NULL), and
 * each unreadable entry, directory cycle or broken link with a message. */
void pb_cli_walk_sql(const char *root, void (*add)(void *ud, const char *path, const char *error), void *ud);
/* Does the file name end in ".sql" (and have more before it)? */
bool pb_cli_is_sql(const char *name);

/* Prints "pgbelay: <message>" to stderr. */
void pb_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
