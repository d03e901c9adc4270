// zbar for the benchmark's baseline: zbar_scan_image on its own, with nothing of Gatehouse's
// around it. The main package's CZBar is not a product, so the benchmark package has its own.
#include <zbar.h>

static inline unsigned long bench_zbar_format_y800(void) {
    return zbar_fourcc('Y', '8', '0', '0');
}
