// zbar: the header imports as is, but for the zbar_fourcc macro below.
#include <zbar.h>

/// zbar_fourcc is a function-like macro: the one image format the decoder feeds zbar,
/// 8-bit greyscale ("Y800"), as a function Swift can call.
static inline unsigned long gatehouse_zbar_format_y800(void) {
    return zbar_fourcc('Y', '8', '0', '0');
}
