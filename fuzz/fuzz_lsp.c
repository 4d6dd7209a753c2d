/* Fuzz target: the language server's message framing and JSON-RPC. The
 * bytes are what a client writes to `pgbelay lsp`: Content-Length framed
 * messages (initialize, didOpen / didChange with SQL, hover, codeAction,
 * shutdown, exit, and whatever the fuzzer makes of them). They are written
 * to a scratch file that pb_lsp_serve reads to its end, answering into
 * /dev/null, with a 1 MiB message limit. The host walks a document's
 * migration directory only below the scratch directory, so a fuzzed URI
 * cannot send the server over the whole file system (the walk is not what
 * this target is for: fuzz_files covers it).
 * seeds: lsp
 * needs: src/lsp/lsp.h
 */
#include "fuzz.h"

#include <fcntl.h>

#include "cli/cli.h"
#include "lsp/lsp.h"

static void confined_walk(const char *root, void (*add)(void *ud, const char *path, const char *error),
                          void *ud)
{
    const char *base = fz_scratch();
    size_t n = strlen(base);
    if (!strncmp(root, base, n) && (root[n] == '/' || root[n] == '\0') && !strstr(root, "/.."))
        pb_cli_walk_sql(root, add, ud);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/lsp-input", fz_scratch());
    if (!fz_write_file(path, data, size))
        abort();
    int in = open(path, O_RDONLY | O_CLOEXEC);
    int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    FILE *log = fopen("/dev/null", "w");
    if (in < 0 || out < 0 || !log)
        abort();
    pb_lsp_host host = {.set_dir = pb_cli_set_dir, .walk_sql = confined_walk};
    pb_lsp_options opt = {.max_message = 1 << 20, .max_set_files = 64, .log = log};
    int status = pb_lsp_serve(in, out, &host, &opt);
    if (status != 0 && status != 1)
        abort(); /* pb_lsp_serve returns an LSP exit status */
    close(in);
    close(out);
    fclose(log);
    return 0;
}
