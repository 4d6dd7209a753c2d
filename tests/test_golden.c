/* Golden tests (being written). */
#include "test.h"
void test_golden(void) {}
