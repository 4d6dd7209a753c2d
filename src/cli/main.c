/* pgbelay command-line entry point: the subcommand table and --help. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "pgbelay/pgbelay.h"

void pb_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("pgbelay: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"lint", pb_cmd_lint, "lint migration files or directories (- for stdin)"},
    {"plan", pb_cmd_plan,
     "rewrite risky migrations into expand/contract phases (--write: as migration files)"},
    {"rules", pb_cmd_rules, "list every rule with its code, severity and summary"},
    {"explain", pb_cmd_explain, "print one rule's documentation"},
    {"config", pb_cmd_config, "print the effective configuration and where each value came from"},
    {"lsp", pb_cmd_lsp, "language server (LSP) over stdin/stdout for editors (see editors/)"},
    {"facts", pb_cmd_facts, "print the locks, rewrites and scans pgbelay claims for each statement"},
    {"catalog", pb_cmd_catalog, "print the schema a migration set builds, as pgbelay replays it"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "pgbelay %s - lint PostgreSQL schema migrations before they lock production\n"
            "\n"
            "usage: pgbelay <command> [options] [args]\n"
            "\n"
            "commands:\n",
            PB_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\n"
               "  pgbelay <command> --help   options of a command\n"
               "  pgbelay --version          print the version\n"
               "  pgbelay --help-man         print the man page (roff; docs/pgbelay.1)\n"
               "\n"
               "exit codes:\n"
               "  0  no findings at or above --fail-on\n"
               "  1  findings at or above --fail-on (default: warning)\n"
               "  2  usage error, unreadable input, or internal error\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return PB_EXIT_ERROR;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return PB_EXIT_OK;
    }
    if (!strcmp(cmd, "--help-man")) { /* docs/pgbelay.1 */
        const char *names[sizeof commands / sizeof commands[0]], *helps[sizeof commands / sizeof commands[0]];
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
            names[i] = commands[i].name;
            helps[i] = commands[i].help;
        }
        return pb_cli_print_man(stdout, names, helps, sizeof commands / sizeof commands[0]);
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("pgbelay %s (PostgreSQL %d grammar via libpg_query)\n", PB_VERSION, 15);
        return PB_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    pb_cli_error("unknown command '%s' (see 'pgbelay --help')", cmd);
    return PB_EXIT_ERROR;
}
