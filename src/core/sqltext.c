/* SQL white space and comment skipping (nested block comments, as
 * PostgreSQL's scanner accepts them). */
#include "core/sqltext.h"

size_t pb_sql_skip_space(const char *t, size_t i, size_t end)
{
    while (i < end) {
        char c = t[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            i++;
        } else if (c == '-' && i + 1 < end && t[i + 1] == '-') {
            while (i < end && t[i] != '\n')
                i++;
        } else if (c == '/' && i + 1 < end && t[i + 1] == '*') {
            int depth = 0;
            while (i < end) {
                if (t[i] == '/' && i + 1 < end && t[i + 1] == '*') {
                    depth++;
                    i += 2;
                } else if (t[i] == '*' && i + 1 < end && t[i + 1] == '/') {
                    i += 2;
                    if (--depth == 0)
                        break;
                } else {
                    i++;
                }
            }
        } else {
            break;
        }
    }
    return i;
}
