// zbar: the header imports as is; zbar_image_free_data is a function, not a macro,
// so nothing needs wrapping here.
#include <zbar.h>
