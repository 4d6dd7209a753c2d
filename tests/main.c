/* pgbelay test runner: runs every suite and ends with "N passed, N failed".
 *
 *   pgbelay-test --pgbelay PATH --root DIR [--update] [--quick] [--only NAME]
 */
#include <stdlib.h>
#include <string.h>

#include "pgbelay/pgbelay.h"
#include "test.h"

pb_test_state T;

static const struct {
    const char *name;
    void (*fn)(void);
} suites[] = {
    {"unit", test_unit},           {"facts", test_facts},
    {"parse", test_parse},         {"catalog", test_catalog},
    {"write", test_write},         {"rules", test_rules_examples},
    {"abi-guard", test_abi_guard}, {"config", test_config}, /* before plan: it parses in-process */
    {"plan", test_plan},
    {"golden", test_golden},       {"cli", test_cli},
    {"lsp", test_lsp},
    {"claims", test_claims},
    {"formats", test_formats},
    {"regress", test_regress},     {"hostile", test_hostile},
};

int main(int argc, char **argv)
{
    T.root = ".";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pgbelay") && i + 1 < argc)
            T.pgbelay = argv[++i];
        else if (!strcmp(argv[i], "--root") && i + 1 < argc)
            T.root = argv[++i];
        else if (!strcmp(argv[i], "--update"))
            T.update = true;
        else if (!strcmp(argv[i], "--quick"))
            T.quick = true;
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            T.filter = argv[++i];
        else {
            fprintf(stderr,
                    "usage: pgbelay-test --pgbelay PATH --root DIR [--update] [--quick] [--only SUITE]\n");
            return 2;
        }
    }
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        if (T.filter && !strstr(suites[i].name, T.filter))
            continue;
        int p = T.passed, f = T.failed;
        suites[i].fn();
        fprintf(stderr, "suite %-10s %d passed, %d failed\n", suites[i].name, T.passed - p, T.failed - f);
    }
    pb_thread_cleanup();
    printf("%d passed, %d failed\n", T.passed, T.failed);
    return T.failed ? 1 : 0;
}
