/* `pgbelay lsp`: the language server over standard input and output
 * (src/lsp/), with the CLI's own way of finding a file's migration set. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lsp/lsp.h"
#include "pgbelay/pgbelay.h"

static const pb_opt_doc opts[] = {
    {{"stdio", no_argument, NULL, 'S'},
     NULL,
     "talk over standard input and output (the default; accepted for "
     "clients that pass it)"},
    {{"pg-version", required_argument, NULL, 'p'},
     "N",
     "PostgreSQL major version of the target server, 11-17 (default 15; initializationOptions.pgVersion "
     "overrides)"},
    {{"framework", required_argument, NULL, 'w'},
     "NAME",
     "migration tool that runs the files (default: detected per directory, as pgbelay lint does)"},
    {{"max-message", required_argument, NULL, 'm'},
     "BYTES",
     "largest JSON-RPC message accepted (default 67108864); larger ones are skipped"},
    {{"log-timing", no_argument, NULL, 'T'},
     NULL,
     "log the milliseconds each lint and publish takes, and each catalog replay, to stderr"},
    {{"help", no_argument, NULL, 'h'}, NULL, "show this help"},
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void lsp_usage(FILE *f)
{
    fprintf(f, "usage: pgbelay lsp [options]\n\n"
               "Runs the pgbelay language server (LSP 3.17) over standard input and output:\n"
               "diagnostics as `pgbelay lint` finds them, with the migrations before the open\n"
               "file replayed; hover with lock facts; quick fixes. Editor set-up: editors/.\n\n"
               "options:\n");
    pb_cli_print_options(f, opts, NOPTS);
    fprintf(f, "\nexit codes: 0 after shutdown and exit, 1 on exit without shutdown, end of input\n"
               "or the death of the client process, 2 usage error\n");
}

/* The migration set's directory, walked at most this far: a .sql file
 * opened in a home directory must not make the server read all of it
 * (the file is then linted on its own). */
#define LSP_WALK_MAX_ENTRIES 50000

static void walk_bounded(const char *root, void (*add)(void *ud, const char *path, const char *error), void *ud)
{
    pb_cli_walk_sql_max(root, LSP_WALK_MAX_ENTRIES, add, ud);
}

int pb_cmd_lsp(int argc, char **argv)
{
    struct option lo[NOPTS + 1];
    pb_cli_long_options(opts, NOPTS, lo);
    pb_lsp_options o = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'S': break;
        case 'T': o.log_timing = true; break;
        case 'p': {
            long v = strtol(optarg, &end, 10);
            if (*end || v < PB_PG_VERSION_MIN || v > PB_PG_VERSION_MAX) {
                pb_cli_error("--pg-version must be a major version from %d to %d, not '%s'",
                             PB_PG_VERSION_MIN, PB_PG_VERSION_MAX, optarg);
                return PB_EXIT_ERROR;
            }
            o.lint.pg_version = (int)v;
            break;
        }
        case 'w':
            if (!pb_framework_parse(optarg, &o.framework)) {
                pb_cli_error("unknown --framework '%s' (see 'pgbelay lint --help')", optarg);
                return PB_EXIT_ERROR;
            }
            o.framework_forced = true;
            break;
        case 'm': {
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*end || v < 1024) {
                pb_cli_error("--max-message must be a number of bytes of at least 1024, not '%s'", optarg);
                return PB_EXIT_ERROR;
            }
            o.max_message = (size_t)v;
            break;
        }
        case 'h': lsp_usage(stdout); return PB_EXIT_OK;
        case ':': pb_cli_error("option '%s' needs a value", argv[optind - 1]); return PB_EXIT_ERROR;
        default:
            pb_cli_error("unknown option '%s' (see 'pgbelay lsp --help')", argv[optind - 1]);
            return PB_EXIT_ERROR;
        }
    }
    if (optind < argc) {
        pb_cli_error("lsp takes no arguments, not '%s' (see 'pgbelay lsp --help')", argv[optind]);
        return PB_EXIT_ERROR;
    }
    signal(SIGPIPE, SIG_IGN); /* a client that went away: write fails, the loop ends at end of input */
    pb_lsp_host host = {.set_dir = pb_cli_set_dir, .walk_sql = walk_bounded};
    int status = pb_lsp_serve(STDIN_FILENO, STDOUT_FILENO, &host, &o);
    pb_thread_cleanup();
    return status;
}
