/* Options and migration-set loading shared by `pgbelay facts` and
 * `pgbelay catalog` (setargs.c). */
#ifndef PB_CLI_SETARGS_H
#define PB_CLI_SETARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "framework/framework.h"
#include "pgbelay/pgbelay.h"

/* A list of malloc'd paths. */
typedef struct pb_cli_files {
    char **v;
    size_t n, cap;
    bool failed; /* an entry could not be read (reported on stderr) */
} pb_cli_files;

/* The common options. Zero-initialise, then feed each getopt result to
 * pb_cli_setargs_option; short codes: 'f' --format, 'w' --framework,
 * 'p' --pg-version, 'D' --schema. */
typedef struct pb_cli_setargs {
    pb_options opt;
    bool json;
    bool forced; /* --framework given */
    pb_framework fw;
    const char *schema_path;
    pb_schema *schema; /* loaded by pb_cli_setargs_start */
} pb_cli_setargs;

/* 1: handled; 0: not one of the common options; -1: bad value (reported). */
int pb_cli_setargs_option(pb_cli_setargs *sa, int c, const char *arg, const char *cmd);
/* Loads --schema (problems in it are reported, not fatal); false when it
 * cannot be read. */
bool pb_cli_setargs_start(pb_cli_setargs *sa);
/* The whole command line of `cmd` (facts, catalog): its options (the
 * common ones plus -h/--help, which prints `usage`), at least one PATH,
 * then pb_cli_setargs_start. Returns 1 to go on with argv[optind..], 0
 * after --help (exit 0), -1 after an error it reported (exit 2). */
int pb_cli_setargs_parse(pb_cli_setargs *sa, int argc, char **argv, const pb_opt_doc *opts, size_t nopts,
                         const char *cmd, void (*usage)(FILE *));
void pb_cli_setargs_release(pb_cli_setargs *sa);

/* The migration set around PATH: for a directory, every .sql file below it
 * (all of them targets); for a file, the files of its set directory
 * (pb_cli_set_dir) with the file as the only target. */
typedef struct pb_cli_set {
    pb_arena *arena; /* owns `set` */
    pb_migration_set set;
    pb_cli_files targets;
    bool failed; /* some file could not be read (reported on stderr) */
} pb_cli_set;

/* False (reported) when PATH itself cannot be read; then *out is empty and
 * needs no release. */
bool pb_cli_load_set(const pb_cli_setargs *sa, const char *path, pb_cli_set *out);
bool pb_cli_set_is_target(const pb_cli_set *s, const pb_migration *m);
void pb_cli_set_release(pb_cli_set *s);

#endif
