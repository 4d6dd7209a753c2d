/* Regression inputs found by fuzzing (docs/testing.md, "Fuzzing"): each
 * file testdata/regress/<target>-<what-it-found>.fuzz is replayed through
 * the fuzz target fuzz/fuzz_<target>.c, which is built into this program
 * too (fuzz/fuzz.h registers it). A crash or a sanitizer report while
 * replaying fails the run; a file whose target does not exist fails a
 * check. What each input found and its fix are in its commit and in the
 * table of docs/testing.md. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

static struct {
    const char *name;
    fuzz_fn fn;
} targets[32];
static size_t ntargets;

/* Called by each target's constructor (fuzz/fuzz.h). */
void pb_fuzz_register(const char *name, fuzz_fn fn);
void pb_fuzz_register(const char *name, fuzz_fn fn)
{
    if (ntargets < sizeof targets / sizeof targets[0])
        targets[ntargets++] = (typeof(targets[0])){name, fn};
}

char *tst_read_file(const char *path, size_t *len);

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void test_regress(void)
{
    OK(ntargets >= 5); /* lint, framework, files, plan, schema */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/testdata/regress", T.root);
    DIR *d = opendir(dir);
    if (!d) {
        CHECK_(false, "cannot open %s", dir);
        return;
    }
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512) {
        size_t l = strlen(e->d_name);
        if (l > 5 && !strcmp(e->d_name + l - 5, ".fuzz"))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        const char *dash = strchr(names[i], '-');
        fuzz_fn fn = NULL;
        for (size_t k = 0; dash && k < ntargets; k++)
            if (strlen(targets[k].name) == (size_t)(dash - names[i]) &&
                !strncmp(targets[k].name, names[i], (size_t)(dash - names[i])))
                fn = targets[k].fn;
        CHECK_(fn != NULL, "testdata/regress/%s: no fuzz target for its prefix (fuzz/fuzz_<target>.c)",
               names[i]);
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len = 0;
        char *data = tst_read_file(path, &len);
        CHECK_(data != NULL, "cannot read %s", path);
        if (fn && data)
            INT_EQ(fn((const uint8_t *)data, len), 0);
        free(data);
        free(names[i]);
    }
}
