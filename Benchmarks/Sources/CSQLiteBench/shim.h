// SQLite for the benchmarks' baselines: its C API on its own, with nothing of Gatehouse's or
// GRDB's around it.
#include <sqlite3.h>

/// SQLITE_TRANSIENT, which Swift cannot import (a cast of -1 to a function pointer).
static inline sqlite3_destructor_type bench_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
