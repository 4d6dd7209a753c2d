/* CLI: one cmd_* function per subcommand, dispatched from main.c. */
#ifndef PB_CLI_H
#define PB_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
int pb_cmd_config(int argc, char **argv);

/* The configuration for lint, plan and config: `path` (--config FILE), or
 * the nearest .pgbelay.yaml upward from the working directory, or the
 * defaults. Options of argv (parsed with `lo`) that override a key are
 * recorded as set on the command line. On any configuration error prints
 * every "file:line:col: message" to stderr and returns NULL (exit 2).
 * Free with pb_config_free (after the last result linted with it). */
struct pb_config *pb_cli_config_open(const char *path, int argc, char **argv, const struct option *lo);
int pb_cmd_lsp(int argc, char **argv);
int pb_cmd_facts(int argc, char **argv);
int pb_cmd_catalog(int argc, char **argv);

/* One command-line option, documented once: --help is printed from it. */
typedef struct pb_opt_doc {
    struct option o;
    const char *arg, *help;
} pb_opt_doc;

/* Fills `lo` (n + 1 entries) with the getopt_long table of `docs`. */
void pb_cli_long_options(const pb_opt_doc *docs, size_t n, struct option *lo);
/* Prints "  --name ARG   help" for each option. */
void pb_cli_print_options(FILE *f, const pb_opt_doc *docs, size_t n);

/* The option tables of `lint`, `plan` and `config` (static), for the man page. */
const pb_opt_doc *pb_cli_lint_options(size_t *n);
const pb_opt_doc *pb_cli_plan_options(size_t *n);
const pb_opt_doc *pb_cli_config_options(size_t *n);

/* Writes the man page pgbelay(1) in roff (man.c) from the subcommand list
 * (names[i], helps[i]) and the option tables --help prints, so that
 * docs/pgbelay.1 cannot drift from --help. Returns PB_EXIT_OK. */
int pb_cli_print_man(FILE *f, const char *const *names, const char *const *helps, size_t n);

/* The directory whose files form one migration set with `path` (malloc'd):
 * its parent directory, or for per-migration folders (diesel up.sql /
 * down.sql, Prisma migration.sql) the folder above, or for sqitch scripts
 * the directory holding sqitch.plan. */
char *pb_cli_set_dir(const char *path);

/* Walks `root` with fts(3), following symbolic links, in name order,
 * skipping dot-directories: `add` gets each *.sql file (error NULL), and
 * each unreadable entry, directory cycle or broken link with a message. */
void pb_cli_walk_sql(const char *root, void (*add)(void *ud, const char *path, const char *error), void *ud);
/* The same, stopping after `max_entries` directory entries of any kind
 * (0: no limit); a stopped walk ends with add(ud, root, message). For the
 * language server, which must not walk a whole home directory when a
 * stray .sql file is opened there. */
void pb_cli_walk_sql_max(const char *root, size_t max_entries,
                         void (*add)(void *ud, const char *path, const char *error), void *ud);
/* Does the file name end in ".sql" (and have more before it)? */
bool pb_cli_is_sql(const char *name);

/* Markdown of the plan for each result with findings (lint_plan.c):
 * plans[i] (NULL-initialised, n entries) gets a malloc'd string for
 * res[i] when `pgbelay plan` has phases for its migration. */
struct pb_migration_set;
struct pb_options;
struct pb_result;
void pb_cli_plan_results(const struct pb_options *opt, const struct pb_migration_set *set,
                         const struct pb_result *res, size_t n, char **plans);

/* Prints "pgbelay: <message>" to stderr. */
void pb_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
