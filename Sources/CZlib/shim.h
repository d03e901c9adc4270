// zlib: inflateInit2 and deflateInit2 are macros that pass the library version and
// the stream size; Swift cannot import function-like macros, so they are wrapped here.
#include <zlib.h>

static inline int gatehouse_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

static inline int gatehouse_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
