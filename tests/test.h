/* A small test harness: each check counts as one test; a failing check
 * prints where and what, and the run goes on. */
#ifndef PB_TEST_H
#define PB_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct pb_test_state {
    int passed, failed;
    const char *pgbelay; /* path of the CLI binary */
    const char *root;    /* repository root */
    bool update;         /* rewrite golden expectations */
    bool quick;          /* skip the slow cases (valgrind runs) */
    const char *filter;  /* run only suites whose name contains this */
} pb_test_state;

extern pb_test_state T;

#define CHECK_(cond, ...)                                                                                    \
    do {                                                                                                     \
        if (cond) {                                                                                          \
            T.passed++;                                                                                      \
        } else {                                                                                             \
            T.failed++;                                                                                      \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                             \
            fprintf(stderr, __VA_ARGS__);                                                                    \
            fputc('\n', stderr);                                                                             \
        }                                                                                                    \
    } while (0)

#define OK(cond) CHECK_((cond), "%s", #cond)
#define INT_EQ(a, b)                                                                                         \
    do {                                                                                                     \
        long long a_ = (long long)(a), b_ = (long long)(b);                                                  \
        CHECK_(a_ == b_, "%s == %s: got %lld, want %lld", #a, #b, a_, b_);                                   \
    } while (0)
#define STR_EQ(a, b)                                                                                         \
    do {                                                                                                     \
        const char *a_ = (a), *b_ = (b);                                                                     \
        CHECK_(a_ &&b_ &&strcmp(a_, b_) == 0, "%s == %s: got \"%s\", want \"%s\"", #a, #b,                   \
               a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                                      \
    } while (0)

/* suites */
void test_regress(void); /* fuzz-found inputs (test_regress.c) */
void test_hostile(void); /* hostile-input catalogue (test_hostile.c) */
void test_unit(void);
void test_facts(void);
void test_parse(void);
void test_catalog(void);
void test_write(void);
void test_plan(void);
void test_rules_examples(void);
void test_golden(void);
void test_abi_guard(void);
void test_cli(void);
void test_formats(void);
void test_config(void);
void test_lsp(void);
void test_claims(void);

#endif
