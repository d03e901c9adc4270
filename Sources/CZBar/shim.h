// zbar: the header imports as is, but for the zbar_fourcc macro below.
#include <zbar.h>

/// zbar_fourcc is a function-like macro: the one image format the decoder feeds zbar,
/// 8-bit greyscale ("Y800"), as a function Swift can call.
static inline unsigned long gatehouse_zbar_format_y800(void) {
    return zbar_fourcc('Y', '8', '0', '0');
}

// The camera's frame rate is set with V4L2's VIDIOC_S_PARM on the descriptor zbar's video
// object opened; the request code is a function-like macro.
#include <linux/videodev2.h>

static inline unsigned long gatehouse_vidioc_s_parm(void) {
    return VIDIOC_S_PARM;
}
