/* `pgbelay rules` and `pgbelay explain RULE`: rule metadata from the
 * generated registry. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "config/config.h"
#include "rules/rule.h"

int pb_cmd_rules(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: pgbelay rules\n\nLists every rule: code, id, default severity, PostgreSQL versions, "
               "summary.\n");
        return PB_EXIT_OK;
    }
    if (argc > 1) {
        pb_cli_error("'rules' takes no arguments (see 'pgbelay explain RULE')");
        return PB_EXIT_ERROR;
    }
    size_t n;
    const pb_rule_info *const *rules = pb_rules(&n);
    for (size_t i = 0; i < n; i++) {
        const pb_rule_info *r = rules[i];
        char ver[32] = "all";
        if (r->pg_min && r->pg_max)
            snprintf(ver, sizeof ver, "PG %d-%d", r->pg_min, r->pg_max);
        else if (r->pg_min)
            snprintf(ver, sizeof ver, "PG >= %d", r->pg_min);
        else if (r->pg_max)
            snprintf(ver, sizeof ver, "PG <= %d", r->pg_max);
        printf("%-6s %-36s %-8s %-9s %s\n", r->code, r->id, pb_severity_name(r->severity), ver, r->summary);
    }
    return PB_EXIT_OK;
}

int pb_cmd_explain(int argc, char **argv)
{
    if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *f = argc == 2 ? stdout : stderr;
        fprintf(f, "usage: pgbelay explain RULE\n\nRULE is a rule id (create-index-non-concurrent) or code "
                   "(PB101).\n");
        return argc == 2 ? PB_EXIT_OK : PB_EXIT_ERROR;
    }
    const pb_rule_info *r = pb_rule_find(argv[1]);
    if (!r && !strncmp(argv[1], "custom:", 7)) {
        /* a custom rule of the nearest .pgbelay.yaml */
        static const struct option none[] = {{0}};
        pb_config *cfg = pb_cli_config_open(NULL, 1, argv, none);
        if (!cfg)
            return PB_EXIT_ERROR;
        const pb_custom_rule *c = pb_config_custom_rule(cfg, argv[1]);
        if (c)
            fputs(c->info.explain, stdout);
        else
            pb_cli_error("no custom rule '%s' in %s", argv[1],
                         cfg->path ? cfg->path : "(no .pgbelay.yaml found)");
        pb_config_free(cfg);
        return c ? PB_EXIT_OK : PB_EXIT_ERROR;
    }
    if (!r) {
        pb_cli_error("unknown rule '%s' (see 'pgbelay rules')", argv[1]);
        return PB_EXIT_ERROR;
    }
    fputs(r->explain, stdout);
    return PB_EXIT_OK;
}
