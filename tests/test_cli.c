/* CLI tests (being written). */
#include "test.h"
void test_cli(void) {}
