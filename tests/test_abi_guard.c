/* ABI guard (being written): compares the raw-tree walker with libpg_query's JSON. */
#include "test.h"
void test_abi_guard(void) {}
