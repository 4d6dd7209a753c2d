/* `pgbelay config` (the effective configuration and where each value came
 * from, or the generated reference) and the config loading that lint and
 * plan share: --config FILE or the nearest .pgbelay.yaml, errors printed
 * as file:line:col, command-line options recorded as overriding the file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/config.h"
#include "report/report.h"

/* Command-line options that override a config key. */
static const struct {
    const char *option;
    pb_config_slot slot;
} overrides[] = {
    {"pg-version", PB_CS_PG_VERSION}, {"framework", PB_CS_FRAMEWORK},
    {"format", PB_CS_FORMAT},         {"fail-on", PB_CS_FAIL_ON},
    {"exit-zero", PB_CS_FAIL_ON},     {"assume-in-transaction", PB_CS_ASSUME_TX},
};

/* The long option argv[i] names, resolved as getopt_long does (exact
 * name, or an unambiguous prefix); NULL if none. */
static const struct option *which(const struct option *lo, const char *arg, size_t len)
{
    const struct option *hit = NULL;
    for (const struct option *o = lo; o->name; o++) {
        if (strlen(o->name) == len && !strncmp(o->name, arg, len))
            return o;
        if (!strncmp(o->name, arg, len))
            hit = hit ? (const struct option *)-1 : o;
    }
    return hit == (const struct option *)-1 ? NULL : hit;
}

static void mark_cli(pb_config *cfg, int argc, char **argv, const struct option *lo)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--"))
            break;
        if (strncmp(a, "--", 2) != 0)
            continue;
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct option *o = which(lo, name, len);
        if (!o)
            continue;
        if (o->has_arg == required_argument && !eq)
            i++;
        for (size_t k = 0; k < sizeof overrides / sizeof overrides[0]; k++)
            if (!strcmp(o->name, overrides[k].option))
                pb_config_set_cli(cfg, overrides[k].slot, pb_arena_sprintf(cfg->arena, "--%s", o->name));
    }
}

pb_config *pb_cli_config_open(const char *path, int argc, char **argv, const struct option *lo)
{
    pb_config *cfg;
    if (path) {
        cfg = pb_config_load(path);
    } else {
        char *found = pb_config_find(".");
        cfg = found ? pb_config_load(found) : pb_config_new();
        free(found);
    }
    if (cfg->nerrors) {
        for (size_t i = 0; i < cfg->nerrors; i++)
            fprintf(stderr, "%s\n", cfg->errors[i]);
        pb_cli_error("%zu error%s in the configuration %s", cfg->nerrors, cfg->nerrors == 1 ? "" : "s",
                     cfg->path);
        pb_config_free(cfg);
        return NULL;
    }
    mark_cli(cfg, argc, argv, lo);
    return cfg;
}

/* ---- pgbelay config ------------------------------------------------------------- */

static const pb_opt_doc opts[] = {
    {{"config", required_argument, NULL, 'C'},
     "FILE",
     "read FILE instead of the nearest " PB_CONFIG_FILE_NAME " upward from the working directory"},
    {{"pg-version", required_argument, NULL, 'p'}, "N", "as for lint: shown as set on the command line"},
    {{"framework", required_argument, NULL, 'w'}, "NAME", "as for lint"},
    {{"format", required_argument, NULL, 'f'}, "FORMAT", "as for lint"},
    {{"fail-on", required_argument, NULL, 'F'}, "LEVEL", "as for lint"},
    {{"assume-in-transaction", no_argument, NULL, 't'}, NULL, "as for lint"},
    {{"reference", no_argument, NULL, 'R'},
     NULL,
     "print the configuration reference (docs/configuration.md) instead"},
    {{"help", no_argument, NULL, 'h'}, NULL, "show this help"},
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void config_usage(FILE *f)
{
    fprintf(f, "usage: pgbelay config [options]\n\n"
               "Prints the effective configuration as YAML, each value with where it came\n"
               "from: the default, the config file (file:line:col) or the command line.\n\n"
               "options:\n");
    pb_cli_print_options(f, opts, NOPTS);
    fprintf(f, "\nexit codes: 0 printed, 2 usage or configuration error\n");
}

int pb_cmd_config(int argc, char **argv)
{
    struct option lo[NOPTS + 1];
    pb_cli_long_options(opts, NOPTS, lo);
    const char *path = NULL;
    bool reference = false;
    int c;
    optind = 1;
    opterr = 0;
    /* first pass: the file and --reference; values are applied over the file below */
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        switch (c) {
        case 'C': path = optarg; break;
        case 'R': reference = true; break;
        case 'h': config_usage(stdout); return PB_EXIT_OK;
        case ':': pb_cli_error("option '%s' needs a value", argv[optind - 1]); return PB_EXIT_ERROR;
        case '?':
            pb_cli_error("unknown option '%s' (see 'pgbelay config --help')", argv[optind - 1]);
            return PB_EXIT_ERROR;
        default: break;
        }
    }
    if (optind < argc) {
        pb_cli_error("config takes no arguments (see 'pgbelay config --help')");
        return PB_EXIT_ERROR;
    }
    pb_buf b = {0};
    if (reference) {
        pb_config_reference(&b);
        fputs(pb_buf_cstr(&b), stdout);
        pb_buf_release(&b);
        return PB_EXIT_OK;
    }
    pb_config *cfg = pb_cli_config_open(path, argc, argv, lo);
    if (!cfg)
        return PB_EXIT_ERROR;
    optind = 1;
    int status = PB_EXIT_OK;
    while (status == PB_EXIT_OK && (c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'p': {
            long v = strtol(optarg, &end, 10);
            if (*end || v < PB_PG_VERSION_MIN || v > PB_PG_VERSION_MAX) {
                pb_cli_error("--pg-version must be a major version from %d to %d, not '%s'",
                             PB_PG_VERSION_MIN, PB_PG_VERSION_MAX, optarg);
                status = PB_EXIT_ERROR;
            }
            cfg->pg_version = (int)v;
            break;
        }
        case 'w':
            if (!pb_framework_parse(optarg, &cfg->framework)) {
                pb_cli_error("unknown --framework '%s' (see 'pgbelay lint --help')", optarg);
                status = PB_EXIT_ERROR;
            }
            cfg->framework_set = true;
            break;
        case 'f': {
            pb_format f;
            if (!pb_format_parse(optarg, &f)) {
                pb_cli_error("unknown --format '%s' (see 'pgbelay lint --help')", optarg);
                status = PB_EXIT_ERROR;
            }
            cfg->format = optarg;
            break;
        }
        case 'F':
            if (!strcmp(optarg, "none") || !strcmp(optarg, "never")) {
                cfg->fail_never = true;
            } else if (pb_severity_parse(optarg)) {
                cfg->fail_on = pb_severity_parse(optarg);
                cfg->fail_never = false;
            } else {
                pb_cli_error("--fail-on must be error, warning, info or none, not '%s'", optarg);
                status = PB_EXIT_ERROR;
            }
            break;
        case 't': cfg->assume_in_transaction = true; break;
        default: break;
        }
    }
    if (status == PB_EXIT_OK) {
        pb_config_print(cfg, &b);
        fputs(pb_buf_cstr(&b), stdout);
    }
    pb_buf_release(&b);
    pb_config_free(cfg);
    return status;
}

const pb_opt_doc *pb_cli_config_options(size_t *n)
{
    *n = NOPTS;
    return opts;
}
