// libgpiod 1.6: the line request flags are enum values and import directly.
#include <gpiod.h>
