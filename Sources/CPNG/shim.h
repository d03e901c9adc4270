// libpng, simplified API (png_image_*): no setjmp, errors land in png_image.message.
// PNG_IMAGE_ROW_STRIDE and PNG_IMAGE_SIZE are function-like macros, wrapped here.
#include <png.h>

static inline int gatehouse_png_image_version(void) { return PNG_IMAGE_VERSION; }

static inline size_t gatehouse_png_image_size(const png_image *image) {
    return PNG_IMAGE_SIZE(*image);
}
